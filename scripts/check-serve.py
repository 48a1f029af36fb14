"""mt-serve end to end, against a running server (started by scripts/check-serve.sh):
every route, every kind of bad input, translations compared with mt-translate's outputs,
model reload, client disconnects. Prints one line per check; exits 1 if any failed."""
import argparse
import concurrent.futures
import json
import re
import socket
import sys
import time

from serve_client import post_json, request

failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures += 1


def expect_error(port, status, fragment, method, path, body=None, headers=None, what=""):
    """A 4xx/5xx with a JSON body {"error": one line containing fragment}."""
    code, h, raw = request(port, method, path, body, headers)
    try:
        message = json.loads(raw)["error"]
    except Exception:
        message = None
    ok = code == status and isinstance(message, str) and "\n" not in message and fragment in message
    check(ok, f"{what or path}: {status} {fragment!r} (got {code} {raw[:160]!r})")
    return h


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def nbest(path):
    """mt-translate --n-best lines: per input, [(text, score)]."""
    out = {}
    for line in lines_of(path):
        i, text, score = line.split(" ||| ")
        out.setdefault(int(i), []).append((text, float(score)))
    return [out[i] for i in sorted(out)]


def check_detect(port, inputs, expected):
    """POST /detect (LibreTranslate's) and source auto on /translate, with the en-de and
    de-en models: the languages ranked by the models' own vocabularies, the model of the
    first one translating, detectedLanguage with the confidence /detect gives."""
    from urllib.parse import urlencode

    german = ["Weiß die Schwester, dass wir am Bahnhof sein werden?", "Wann liest eine Schwester eine Zeitung?"]

    def ranking(code, r):
        """The languages best first, or None unless a 200 with LibreTranslate's shape, sorted."""
        if code != 200 or not isinstance(r, list) or not all(isinstance(d, dict) and set(d) == {"language", "confidence"} for d in r):
            return None
        c = [d["confidence"] for d in r]
        return [d["language"] for d in r] if all(0 <= x <= 100 for x in c) and c == sorted(c, reverse=True) else None

    def confidence(r, language):
        return next(d["confidence"] for d in r if d["language"] == language)

    code, en = post_json(port, "/detect", {"q": inputs[0]})
    check(ranking(code, en) == ["en", "de"] and en[0]["confidence"] > en[1]["confidence"], f"POST /detect, English: en first ({en})")
    code, _, body = request(port, "POST", "/detect", urlencode({"q": german[0], "api_key": "x"}),
                            {"Content-Type": "application/x-www-form-urlencoded"})
    de = json.loads(body)
    check(ranking(code, de) == ["de", "en"], f"POST /detect as a form with api_key, German: de first ({de})")
    code, both = post_json(port, "/detect", {"q": german})
    check(ranking(code, both) == ["de", "en"], f"POST /detect, an array q: one ranking for all items ({both})")

    D = "/detect"
    expect_error(port, 400, "q is empty", "POST", D, {"q": ""}, what="/detect: empty q")
    expect_error(port, 400, "q is empty", "POST", D, {"q": [" ", "\t"]}, what="/detect: q of white space")
    expect_error(port, 400, "missing q", "POST", D, {"text": "a"}, what="/detect: missing q")
    expect_error(port, 400, "reads text in Cyrl", "POST", D, {"q": "Привет, как дела?"}, what="/detect: Cyrillic text")
    expect_error(port, 400, "no letters", "POST", D, {"q": "12 + 30 = 42 😀"}, what="/detect: text without letters")
    expect_error(port, 415, "unsupported content type", "POST", D, "q=a", {"Content-Type": "text/plain"}, what="/detect: a text body")

    # Both models fit no target: detection chooses, and reports what /detect says.
    code, r = post_json(port, "/translate", {"q": german[0], "source": "auto"})
    code2, direct = post_json(port, "/translate", {"q": german[0], "source": "de", "target": "en"})
    check(code == 200 and code2 == 200 and r["translatedText"] == direct["translatedText"]
          and r["detectedLanguage"] == {"language": "de", "confidence": confidence(de, "de")},
          f"source auto, German: the de-en model, detectedLanguage as /detect ({r})")
    code, r = post_json(port, "/translate", {"q": inputs[0], "source": "auto"})
    check(code == 200 and r["translatedText"] == expected[0]
          and r["detectedLanguage"] == {"language": "en", "confidence": confidence(en, "en")},
          f"source auto, English: the en-de model = mt-translate, detectedLanguage as /detect ({r})")
    code, r = post_json(port, "/translate", {"q": german, "source": "auto"})
    check(code == 200 and len(r["translatedText"]) == 2
          and r["detectedLanguage"] == [{"language": "de", "confidence": confidence(both, "de")}] * 2,
          f"source auto, an array q: one detection, repeated per item ({r.get('detectedLanguage')})")
    # One model fits target de: it translates, and detectedLanguage says how little German looks like English.
    code, r = post_json(port, "/translate", {"q": german[0], "target": "de"})
    check(code == 200 and r["detectedLanguage"] == {"language": "en", "confidence": confidence(de, "en")},
          f"target de only, German text: the one model that fits, with its language's confidence ({r.get('detectedLanguage')})")
    expect_error(port, 400, "reads text in Cyrl", "POST", "/translate", {"q": "Привет", "source": "auto"},
                 what="source auto, Cyrillic text, several models fit")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--work", required=True, help="directory with input.txt, expected*.txt, m2-expected.txt")
    ap.add_argument("--limits", required=True, help="max_sentences,max_characters,max_body_bytes,max_queue_sentences")
    a = ap.parse_args()
    port, work = a.port, a.work
    max_sentences, max_characters, max_body, max_queue = map(int, a.limits.split(","))
    inputs = lines_of(f"{work}/input.txt")
    expected = lines_of(f"{work}/expected.txt")
    expected_nbest = nbest(f"{work}/expected-nbest.txt")

    # ---------------------------------------------------------------- plain routes
    code, _, body = request(port, "GET", "/health")
    check(code == 200 and json.loads(body)["status"] == "ok", "GET /health")
    code, _, body = request(port, "GET", "/ready")
    check(code == 200 and json.loads(body)["models"] == ["en-de", "de-en"], f"GET /ready {body!r}")
    code, _, body = request(port, "GET", "/models")
    models = json.loads(body)
    check(code == 200 and [m["id"] for m in models] == ["en-de", "de-en"]
          and models[0]["source"] == "en" and models[0]["target"] == "de" and models[0]["parameters"] > 0, "GET /models")
    code, _, body = request(port, "GET", "/languages")
    langs = json.loads(body)
    check(code == 200 and {(l["code"], tuple(l["targets"])) for l in langs} == {("en", ("de",)), ("de", ("en",))}
          and all(l["name"] for l in langs), f"GET /languages {body!r}")
    code, h, body = request(port, "GET", "/")
    page = body.decode("utf-8")
    check(code == 200 and h["content-type"].startswith("text/html") and 'id="source"' in page and 'id="translate"' in page
          and not re.search(r'(src|href)="(https?:)?//', page), "GET / serves the page with no external assets")

    # ---------------------------------------------------------------- translations = mt-translate's
    code, r = post_json(port, "/translate", {"q": inputs, "source": "en", "target": "de"})
    check(code == 200 and r["translatedText"] == expected, f"POST /translate, {len(inputs)} lines in one request = mt-translate")

    def one(i):
        return i, post_json(port, "/translate", {"q": inputs[i], "target": "de"})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = dict(pool.map(lambda i: one(i), range(len(inputs))))
    check(all(results[i][0] == 200 and results[i][1]["translatedText"] == expected[i] for i in results),
          f"POST /translate, {len(inputs)} single-line requests from 8 clients at once = mt-translate")
    check(all(results[i][1]["detectedLanguage"]["language"] == "en" for i in results), "target only: source auto, detectedLanguage en")

    code, _, body = request(port, "POST", "/translate", "q=" + inputs[0].replace(" ", "+") + "&source=en&target=de&api_key=x",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    check(code == 200 and json.loads(body)["translatedText"] == expected[0], "POST /translate as a form")

    # n-best: alternatives and OpenNMT-py's n_best against mt-translate --n-best 3 --beam-size 4 --length-penalty 0.5
    opts = {"beam_size": 4, "length_penalty": 0.5, "scores": True}
    code, r = post_json(port, "/translate", {"q": inputs, "target": "de", "alternatives": 2, "options": opts})
    ok = code == 200 and all(
        [r["translatedText"][i]] + r["alternatives"][i] == [t for t, _ in expected_nbest[i]]
        and all(abs(o["score"] - s) <= 2e-6 for o, (_, s) in zip(r["details"][i]["outputs"], expected_nbest[i]))
        for i in range(len(inputs)))
    check(ok, "alternatives and options.scores = mt-translate --n-best 3 --beam-size 4 --length-penalty 0.5")
    code, r = post_json(port, "/translator/translate",
                        [{"src": s, "id": "en-de", "options": {"n_best": 3, "beam_size": 4, "length_penalty": 0.5}} if i == 0
                         else {"src": s, "id": "en-de"} for i, s in enumerate(inputs)])
    flat = r[0] if code == 200 else []
    ok = code == 200 and len(flat) == 3 * len(inputs) and all(
        flat[3 * i + j]["src"] == inputs[i] and flat[3 * i + j]["tgt"] == expected_nbest[i][j][0]
        and abs(flat[3 * i + j]["pred_score"] - expected_nbest[i][j][1]) <= 2e-6 and flat[3 * i + j]["n_best"] == 3
        for i in range(len(inputs)) for j in range(3))
    check(ok, "POST /translator/translate (OpenNMT-py) n_best 3 = mt-translate")
    code, r = post_json(port, "/translator/translate", [{"src": inputs[1], "id": "en-de"}])
    check(code == 200 and r[0][0]["tgt"] == expected[1] and isinstance(r[0][0]["pred_score"], float), "OpenNMT-py, one input")
    code, r = post_json(port, "/translate", {"q": inputs[2], "target": "de", "options": {"attention": True}})
    d = r.get("details", {}) if code == 200 else {}
    att = d.get("outputs", [{}])[0].get("attention", [])
    check(code == 200 and len(att) == len(d["outputs"][0]["tokens"]) and all(len(row) == len(d["source_tokens"]) for row in att)
          and all(abs(sum(row) - 1) < 1e-3 for row in att), "options.attention: one row per target token, each summing to 1")
    code, r = post_json(port, "/translate", {"q": "Ein Mann schläft.", "source": "de", "target": "en"})
    check(code == 200 and isinstance(r["translatedText"], str), "source de, target en: the second model")
    check_detect(port, inputs, expected)

    # ---------------------------------------------------------------- bad input: 4xx, {"error": one line}
    T = "/translate"
    expect_error(port, 400, "not valid JSON", "POST", T, '{"q": "a"', {"Content-Type": "application/json"}, what="invalid JSON")
    expect_error(port, 400, "q must be a string or an array", "POST", T, {"q": 3}, what="q of a wrong type")
    expect_error(port, 400, "q must be a string or an array", "POST", T, {"q": ["a", None]}, what="q with a null")
    expect_error(port, 400, "missing q", "POST", T, {"target": "de"}, what="missing q")
    expect_error(port, 404, "unknown model 'xx'", "POST", T, {"q": "a", "options": {"model": "xx"}}, what="unknown model")
    expect_error(port, 400, "no model translates en→fr", "POST", T, {"q": "a", "source": "en", "target": "fr"}, what="unsupported language")
    expect_error(port, 400, "model 'en-de' translates en→de", "POST", T, {"q": "a", "target": "en", "options": {"model": "en-de"}},
                 what="model and language disagree")
    expect_error(port, 400, "not valid UTF-8", "POST", T, b'{"q": "\xff\xfe"}', {"Content-Type": "application/json"}, what="invalid UTF-8")
    expect_error(port, 400, "unknown format 'xml'", "POST", T, {"q": "<b>a</b>", "format": "xml"}, what="unknown format")
    expect_error(port, 400, f"over the limit max_sentences {max_sentences}", "POST", T, {"q": ["a"] * (max_sentences + 1)},
                 what="too many sentences")
    expect_error(port, 400, f"over the limit max_characters {max_characters}", "POST", T, {"q": "a" * (max_characters + 1)},
                 what="too many characters")
    expect_error(port, 413, f"max_body_bytes {max_body}", "POST", T, {"q": "a " * max_body}, what="body too large (Content-Length)")
    # Chunked (no Content-Length): the limit holds while reading.
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    chunk = b"x" * 4096
    s.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    try:
        for _ in range(max_body // 4096 + 2):
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    reply = s.recv(4096)
    s.close()
    check(reply.startswith(b"HTTP/1.1 413"), f"body too large (chunked): 413 (got {reply[:40]!r})")
    h = expect_error(port, 503, f"max_queue_sentences {max_queue}", "POST", T, {"q": ["a"] * (max_queue + 1)}, what="queue full")
    check(h.get("retry-after") == "1", "503 has Retry-After: 1")
    expect_error(port, 415, "unsupported content type", "POST", T, "q=a", {"Content-Type": "text/plain"}, what="unsupported content type")
    expect_error(port, 400, "options.beam_size must be an integer", "POST", T, {"q": "a", "options": {"beam_size": "5"}}, what="option of a wrong type")
    expect_error(port, 400, "unknown option 'beam'", "POST", T, {"q": "a", "options": {"beam": 5}}, what="unknown option")
    expect_error(port, 400, "over the limit max_beam_size", "POST", T, {"q": "a", "options": {"beam_size": 1000}}, what="beam over the limit")
    expect_error(port, 400, "n-best must be between 1 and the beam size 2", "POST", T, {"q": "a", "options": {"beam_size": 2, "n_best": 3}},
                 what="n-best over the beam")
    O = "/translator/translate"
    expect_error(port, 400, "JSON array", "POST", O, {"src": "a"}, what="OpenNMT-py: not an array")
    expect_error(port, 400, "has no src string", "POST", O, [{"text": "a"}], what="OpenNMT-py: no src")
    expect_error(port, 400, "same model id", "POST", O, [{"src": "a", "id": "en-de"}, {"src": "b", "id": "de-en"}], what="OpenNMT-py: two ids")
    expect_error(port, 404, "unknown model '7'", "POST", O, [{"src": "a", "id": 7}], what="OpenNMT-py: unknown id")
    expect_error(port, 404, "no route GET /nowhere", "GET", "/nowhere", what="unknown route")
    expect_error(port, 404, "unknown model 'xx'", "POST", "/models/xx/reload", what="reload of an unknown model")

    # ---------------------------------------------------------------- reload: atomic swap, failed load keeps the old model
    expect_error(port, 422, "still serves the old model", "POST", "/models/en-de/reload", {"path": f"{work}/not-a-model.safetensors"},
                 what="reload from a bad file")
    code, r = post_json(port, "/translate", {"q": inputs, "target": "de"})
    check(code == 200 and r["translatedText"] == expected, "after the failed reload the old model serves")
    m2_expected = lines_of(f"{work}/m2-expected.txt")
    # Requests keep flowing during the reload: each gets the old model's or the new one's outputs, whole.
    # (4 × 6 sentences stay within max_queue_sentences.)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        during = [pool.submit(post_json, port, "/translate", {"q": inputs[:6], "target": "de"}) for _ in range(8)]
        code, r = post_json(port, "/models/en-de/reload", {"path": f"{work}/m2.safetensors"})
        answers = [f.result() for f in during]
    check(code == 200 and r["reloaded"] and r["model"]["path"].endswith("m2.safetensors"), "reload from another file: 200")
    check(all(c == 200 and t["translatedText"] in (expected[:6], m2_expected[:6]) for c, t in answers),
          "requests during the reload each get one model's outputs, whole")
    code, r = post_json(port, "/translate", {"q": inputs, "target": "de"})
    check(code == 200 and r["translatedText"] == m2_expected, "after the reload the new model serves (= mt-translate with it)")
    code, r = post_json(port, "/models/en-de/reload", {"path": f"{work}/m1.safetensors"})
    check(code == 200, "reload back")

    # ---------------------------------------------------------------- clients that go away
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        body = json.dumps({"q": inputs[:5], "target": "de", "options": {"beam_size": 8}}).encode()
        s.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        s.close()
    time.sleep(0.5)
    code, r = post_json(port, "/translate", {"q": inputs, "target": "de"})
    check(code == 200 and r["translatedText"] == expected, "after 5 clients disconnected mid-request the server still translates")

    # ---------------------------------------------------------------- metrics
    code, h, body = request(port, "GET", "/metrics")
    text = body.decode()
    for pattern in [r'mtserve_requests_total\{route="/translate",status="200"\} \d+',
                    r'mtserve_requests_total\{route="/translate",status="400"\} \d+',
                    r'mtserve_requests_total\{route="/translate",status="503"\} 1',
                    r'mtserve_request_duration_seconds_bucket\{route="/translate",le="[0-9.]+"\} \d+',
                    r'mtserve_batch_sentences_bucket\{le="1.0"\} \d+', r"mtserve_queue_sentences \d",
                    r"mtserve_sentences_translated_total [1-9]\d*", r"mtserve_target_tokens_total [1-9]\d*",
                    r'mtserve_model_reloads_total\{model="en-de",result="failed"\} 1', r"# TYPE mtserve_requests_total counter"]:
        check(code == 200 and re.search(pattern, text) is not None, f"GET /metrics has {pattern}")
    code, _, body = request(port, "GET", "/health")
    check(code == 200, "still healthy after every bad input")
    print(f"check-serve: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
