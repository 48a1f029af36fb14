#!/usr/bin/env python3
"""LibreTranslate's own Python clients from PyPI against mt-serve: libretranslatepy (JSON
bodies) and libretranslate-aio (forms, sync and async): languages, translate with
paragraphs and new lines, detect, and HTML. Run by scripts/check-serve.sh in a virtual
environment holding both packages.

  check-serve-clients.py --port PORT --sentences FILE --expected FILE
"""
import argparse
import asyncio
import sys

from libretranslatepy import LibreTranslateAPI
from libretranslate_aio import AsyncLibreTranslate, LibreTranslate

failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what)
    failures += 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--expected", required=True)
    a = ap.parse_args()
    url = f"http://127.0.0.1:{a.port}/"
    s = open(a.sentences, encoding="utf-8").read().split("\n")[:-1]
    t = open(a.expected, encoding="utf-8").read().split("\n")[:-1]
    paragraph = f"{s[0]} {s[1]}\n{s[2]}\n\n{s[3]}"
    expected = f"{t[0]} {t[1]}\n{t[2]}\n\n{t[3]}"

    lt = LibreTranslateAPI(url)
    languages = lt.languages()
    check({(l["code"], tuple(l["targets"])) for l in languages} == {("en", ("de",)), ("de", ("en",))},
          "libretranslatepy: languages()")
    got = lt.translate(paragraph, "en", "de")
    check(got == expected, "libretranslatepy: translate() of a paragraph with new lines")
    detected = lt.detect(f"{s[0]} {s[1]}")
    check(isinstance(detected, list) and detected and detected[0]["language"] == "en"
          and 0 < detected[0]["confidence"] <= 100, f"libretranslatepy: detect() {detected}")

    with LibreTranslate(url) as client:
        check({l.code for l in client.languages()} == {"en", "de"}, "libretranslate-aio: languages()")
        r = client.translate(paragraph, "en", "de")
        check(r.translated_text == expected, "libretranslate-aio: translate() of a paragraph (a form)")
        r = client.translate(f"<p>{s[0]} <b>{s[1]}</b></p>", "en", "de", format="html")
        out = r.translated_text
        check(out.startswith("<p>") and out.endswith("</p>") and out.count("<b>") == 1 and out.count("</b>") == 1,
              f"libretranslate-aio: translate(format='html') keeps the markup ({out!r})")
        r = client.translate(f"{s[0]} {s[1]}", "auto", "de")
        check(r.translated_text == f"{t[0]} {t[1]}" and r.detected_language is not None and r.detected_language.language == "en",
              "libretranslate-aio: source auto, with detectedLanguage")
        d = client.detect(s[2])
        check(d and d[0].language == "en", f"libretranslate-aio: detect() {d}")

    async def concurrently():
        async with AsyncLibreTranslate(url) as client:
            return await asyncio.gather(*(client.translate(f"{s[i]} {s[i + 1]}", "en", "de") for i in range(8)))

    results = asyncio.run(concurrently())
    check([r.translated_text for r in results] == [f"{t[i]} {t[i + 1]}" for i in range(8)],
          "libretranslate-aio: 8 async translations at once, each two sentences")
    print(f"check-serve-clients: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
