/// The page at GET /: a source box, a translate button, the translation, the n-best
/// alternatives with their scores and the latency. One HTML document with its style and
/// script inline, so that it needs nothing but this server.
enum WebPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SwiftNMT</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  .bar { display: flex; gap: .6rem; align-items: center; margin: .6rem 0; flex-wrap: wrap; }
  textarea { width: 100%; box-sizing: border-box; min-height: 6rem; font: inherit; padding: .5rem; }
  button { font: inherit; padding: .35rem 1.2rem; }
  #translation { min-height: 1.5rem; padding: .6rem; background: #f3f5f8; border-radius: 4px; white-space: pre-wrap; }
  #alternatives { padding-left: 1.4rem; color: #444; }
  .score { color: #888; font-variant-numeric: tabular-nums; margin-left: .6rem; }
  #status { color: #666; font-size: .9rem; }
  .error { color: #b00020; }
</style>
</head>
<body>
<h1>SwiftNMT</h1>
<div class="bar">
  <label>Model <select id="model"></select></label>
  <label>Beam <input id="beam" type="number" min="1" max="16" value="5" style="width:4rem"></label>
  <label>Alternatives <input id="alternatives-count" type="number" min="0" max="8" value="3" style="width:4rem"></label>
</div>
<textarea id="source" placeholder="Text to translate: a sentence, paragraphs, several lines"></textarea>
<div class="bar"><button id="translate">Translate</button><span id="status"></span></div>
<div id="translation"></div>
<ol id="alternatives"></ol>
<script>
const $ = id => document.getElementById(id);
fetch('/models').then(r => r.json()).then(models => {
  for (const m of models) {
    const o = document.createElement('option');
    o.value = m.id; o.textContent = m.id + ' (' + (m.source || '?') + ' → ' + (m.target || '?') + ')';
    $('model').appendChild(o);
  }
});
$('translate').addEventListener('click', async () => {
  // The whole text as one: the server splits it into sentences and keeps its lines.
  const text = $('source').value;
  const alternatives = Math.max(0, parseInt($('alternatives-count').value || '0', 10));
  const body = { q: text, alternatives: alternatives,
                 options: { model: $('model').value, beam_size: Math.max(alternatives + 1, parseInt($('beam').value || '5', 10)), scores: true } };
  $('status').textContent = 'translating…'; $('status').className = '';
  const start = performance.now();
  try {
    const r = await fetch('/translate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = await r.json();
    const ms = performance.now() - start;
    if (!r.ok) throw new Error(data.error || r.statusText);
    $('translation').textContent = data.translatedText;
    $('alternatives').replaceChildren();
    // The n-best list of the text, best first, with its scores.
    for (const o of data.details.outputs) {
      const li = document.createElement('li');
      li.textContent = o.text;
      const s = document.createElement('span'); s.className = 'score'; s.textContent = o.score.toFixed(4);
      li.appendChild(s); $('alternatives').appendChild(li);
    }
    $('status').textContent = 'latency ' + ms.toFixed(0) + ' ms';
    $('status').dataset.ms = ms.toFixed(1);
  } catch (e) {
    $('status').textContent = e.message; $('status').className = 'error';
  }
});
</script>
</body>
</html>
"""#
}
