#!/usr/bin/env python3
"""mt-serve translates text, not sentences: paragraphs and lines of several sentences, white
space kept, HTML with its markup kept, through LibreTranslate's and OpenNMT-py's routes,
each equal to mt-translate's translations of the sentences one by one, joined. Run by
scripts/check-serve.sh against a running server (Python's standard library only).

  check-serve-text.py --port PORT --sentences FILE --expected FILE --limits MAX_SENTENCES,MAX_CHARACTERS
"""
import argparse
import html.parser
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from serve_client import post_json  # noqa: E402

failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what)
    failures += 0 if ok else 1


class Tags(html.parser.HTMLParser):
    """The start and end tags of a document with their attributes, and its text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append(("void", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tags.append(("end", tag))

    def handle_data(self, data):
        self.text.append(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sentences", required=True, help="English sentences, one a line")
    ap.add_argument("--expected", required=True, help="mt-translate --no-split's translations of them with en-de")
    ap.add_argument("--limits", required=True, help="max_sentences,max_characters")
    a = ap.parse_args()
    port = a.port
    max_sentences, max_characters = map(int, a.limits.split(","))
    s = open(a.sentences, encoding="utf-8").read().split("\n")[:-1]
    t = open(a.expected, encoding="utf-8").read().split("\n")[:-1]

    def translate(q, **fields):
        return post_json(port, "/translate", {"q": q, "source": "en", "target": "de", **fields})

    # A line of three sentences: exactly the three sentences' own translations, joined.
    code, r = translate(f"{s[0]} {s[1]} {s[2]}")
    check(code == 200 and r["translatedText"] == f"{t[0]} {t[1]} {t[2]}",
          "a line of three sentences = their own translations joined")
    # Lines, empty lines and white space around them are kept.
    text = f"\n  {s[0]}  {s[1]}\n\n\t{s[2]}\r\n{s[3]} \n"
    code, r = translate(text)
    check(code == 200 and r["translatedText"] == f"\n  {t[0]}  {t[1]}\n\n\t{t[2]}\r\n{t[3]} \n",
          "a text of several lines: its lines, empty lines and white space kept")
    code, r = translate([f"{s[0]} {s[1]}", "", "   ", s[2]])
    check(code == 200 and r["translatedText"] == [f"{t[0]} {t[1]}", "", "   ", t[2]], "an array q: each text joined alike")
    code, r = post_json(port, "/translator/translate", [{"src": f"{s[0]} {s[1]}\n{s[2]}", "id": "en-de"}])
    check(code == 200 and r[0][0]["tgt"] == f"{t[0]} {t[1]}\n{t[2]}" and r[0][0]["src"] == f"{s[0]} {s[1]}\n{s[2]}",
          "OpenNMT-py: a src of several sentences and lines")

    # HTML: the same elements and attributes, text translated, script/style/code/pre kept.
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><title>{s[0]}</title><style>p {{ color: red; }}</style></head>\n'
            f'<body><h1 class="t">{s[1]}</h1>\n<p id="p1">{s[2]} <b>{s[3]}</b></p>\n<!-- {s[4]} -->\n'
            f'<ul><li><a href="/x?a=1&amp;b=2" title="{s[5]}">{s[5]}</a></li><li>{s[6]}<br>{s[7]}</li></ul>\n'
            f'<pre>{s[8]}</pre><script>var x = "<p>{s[9]}</p>";</script></body></html>\n')
    code, r = translate(page, format="html")
    out = r.get("translatedText", "") if code == 200 else ""
    source_tags, output_tags = Tags(page), Tags(out)
    check(code == 200 and output_tags.tags == source_tags.tags, "format html: the same elements with the same attributes")
    check(f"<title>{t[0]}</title>" in out and f'<h1 class="t">{t[1]}</h1>' in out and f"<!-- {s[4]} -->" in out
          and f"<pre>{s[8]}</pre>" in out and f'var x = "<p>{s[9]}</p>";' in out and "<style>p { color: red; }</style>" in out,
          "format html: block text translated; comments, pre, script and style kept")
    code, r = translate(f"<p>{s[0]} <i>{s[1]}</i></p>", format="html")
    out = r.get("translatedText", "") if code == 200 else ""
    check(code == 200 and out.startswith("<p>") and out.endswith("</p>") and out.count("<i>") == 1 and out.count("</i>") == 1
          and out.index("<i>") < out.index("</i>"), f"format html: an inline element carried to the translation ({out!r})")
    check("".join(Tags(out).text).replace(" ", "") == f"{t[0]}{t[1]}".replace(" ", ""),
          "format html: the text of the inline element's paragraph is its sentences' translations")

    # Limits count what the client sent: sentences as split, characters as sent.
    code, r = translate(" ".join([s[0]] * (max_sentences + 1)))
    check(code == 400 and f"{max_sentences + 1} sentences are over the limit max_sentences {max_sentences}" in r.get("error", ""),
          "max_sentences counts the sentences of a text")
    code, r = translate(" " * (max_characters + 1))
    check(code == 400 and "over the limit max_characters" in r.get("error", ""), "max_characters counts white space too")
    code, r = translate("a", format="pdf")
    check(code == 400 and r.get("error") == "unknown format 'pdf' (known: 'text', 'html')", f"unknown format: 400 naming the formats ({r})")
    print(f"check-serve-text: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
