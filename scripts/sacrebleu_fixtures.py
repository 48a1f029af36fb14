#!/usr/bin/env python3
"""Fixtures and the agreement check between mt-bleu and sacreBLEU.

    sacrebleu_fixtures.py write                 (re)write Tests/MTEvalTests/Fixtures/<set>/*.txt
    sacrebleu_fixtures.py expected SACREBLEU    record sacreBLEU's output in Fixtures/expected.json
    sacrebleu_fixtures.py check SACREBLEU MTBLEU [--corpora DIR]
                                                run both tools on every case and compare stdout

Everything is deterministic: the texts are literals below or come from a seeded generator.
Only the standard library is used; sacreBLEU is run as a command, like a user would.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "MTEvalTests", "Fixtures")
EXPECTED = os.path.join(FIXTURES, "expected.json")
VERSION_PLACEHOLDER = "<version>"

# ---------------------------------------------------------------------------
# Fixture sets: name -> (hypothesis lines, [reference stream, ...]).
# Lines are written with "\n" endings unless the set name says otherwise.

BASIC_REF = [
    "The cat sat on the mat.",
    "There is a dog in the garden, and it is barking loudly.",
    "I would like two cups of coffee, please.",
    "She has lived in Berlin since 2015.",
    "Where is the nearest train station?",
    "The weather today is sunny with a light breeze.",
]
BASIC_HYP = [
    "The cat is sitting on the mat.",
    "A dog is in the garden and it barks loudly.",
    "I want two cups of coffee please.",
    "She lives in Berlin since 2015.",
    "Where is the next train station?",
    "Today the weather is sunny with light wind.",
]

SETS = {
    "basic_en": (BASIC_HYP, [BASIC_REF]),
    "unicode_punctuation": (
        [
            "He said: “This is not what I meant” — and left…",
            "«Bonjour», dit-elle ; « ça va ? »",
            "¿Dónde está la biblioteca? ¡Allí!",
            "It’s the 3rd time I’ve seen ‘this’ film.",
            "Prices rose 5 % — a record – again.",
            "Wait\u00a0… what?\u2009Really\u202f?",
        ],
        [[
            "He said: “That is not what I meant” — and went away…",
            "« Bonjour », dit-elle ; « ça va ? »",
            "¿Dónde está la biblioteca? ¡Ahí!",
            "It's the third time I've seen 'this' film.",
            "Prices rose 5 % – a record — again.",
            "Wait … what? Really?",
        ]],
    ),
    "html_entities": (
        [
            "Tom &amp; Jerry said &quot;hello&quot; to me.",
            "If a &lt; b and b &gt; c then a &lt; c.",
            "The tag &amp;lt;br&amp;gt; breaks a line.",
            "Fish &amp chips &apos;n&apos; peas <skipped> tonight.",
            "AT&T and R&D are companies &amp; departments.",
        ],
        [[
            "Tom & Jerry said \"hello\" to me.",
            "If a < b and b > c , then a < c.",
            "The tag <br> breaks a line.",
            "Fish & chips 'n' peas tonight.",
            "AT&amp;T and R&amp;D are companies & departments.",
        ]],
    ),
    "numbers": (
        [
            "The population is 1,234,567 people in 2019.",
            "Pi is about 3.14159, and e is 2.71828.",
            "He paid $1,000.50 for 2-3 tickets on 12.05.2021.",
            "Die Summe beträgt 1.000,50 € bzw. 10-20 %.",
            "From 1990-2000 the rate fell by -5.5 points.",
            "Call 555-1234 at 10:30 or 22.30.",
            "Version 2.0.1 was released on 2020-01-15.",
        ],
        [[
            "The population is 1,234,567 people in 2019 .",
            "Pi is approximately 3.14159 and e is 2.71828.",
            "He paid $1,000.50 for 2 - 3 tickets on 12.05.2021.",
            "Die Summe beträgt 1.000,50 € oder 10-20 %.",
            "From 1990 - 2000, the rate fell by -5.5 points.",
            "Call 555-1234 at 10:30 or at 22.30.",
            "Version 2.0.1 was released on 2020-01-15.",
        ]],
    ),
    "zh_basic": (
        [
            "我们今天去公园散步。",
            "这本书很有意思，我已经读了三遍。",
            "他在北京工作了5年。",
            "请问，火车站在哪里？",
            "我喜欢喝绿茶和咖啡。",
            "明天会下雨吗？",
        ],
        [[
            "我们今天去公园散步了。",
            "这本书非常有意思，我读过三遍了。",
            "他在北京工作了五年。",
            "请问火车站在哪儿？",
            "我喜欢喝绿茶，也喜欢咖啡。",
            "明天会不会下雨？",
        ]],
    ),
    "zh_mixed": (
        [
            "他说：“我们用Python 3.10写代码。”",
            "价格是1,299元——太贵了……",
            "ＡＢＣ公司在２０２０年成立。",
            "《红楼梦》是一部经典小说。",
            "iPhone 15的屏幕是6.1英寸。",
        ],
        [[
            "他说：“我们用 Python 3.10 写代码。”",
            "价格是1,299元—太贵了…",
            "ABC公司在2020年成立。",
            "《红楼梦》是一本经典小说。",
            "iPhone 15 的屏幕为6.1英寸。",
        ]],
    ),
    "multi_ref": (
        BASIC_HYP,
        [
            BASIC_REF,
            [
                "The cat was sitting on the mat.",
                "A dog is barking loudly in the garden.",
                "Two cups of coffee, please.",
                "She has been living in Berlin since 2015.",
                "Where's the closest train station?",
                "Today it is sunny, with a light breeze.",
            ],
            [
                "On the mat sat the cat.",
                "In the garden there is a dog that barks loudly.",
                "I'd like two coffees, please.",
                "Since 2015 she lives in Berlin.",
                "Where is the next station?",
                "The weather is sunny today and there is light wind.",
            ],
        ],
    ),
    "multi_ref_lengths": (
        ["a b c d e", "a b c", "one two three four five six", "x"],
        [
            ["a b c d", "a b c d e f g", "one two three", "x y z"],
            ["a b c d e f", "a b", "one two three four five six seven eight", "x y"],
        ],
    ),
    "empty_lines": (
        ["The first line.", "", "A third line here.", "", "Fifth line."],
        [["The first line.", "The second line.", "", "", "The fifth line."]],
    ),
    "empty_hypotheses": (
        ["", "", ""],
        [["Something was said here.", "And here.", "Nothing else."]],
    ),
    "near_zero": (
        [
            "blue sky the over",
            "quickly ran it dog",
            "tree green a under",
            "on mat a the cat",
        ],
        [[
            "the sky is blue over the hills",
            "the dog ran away quickly",
            "we sat under a green tree",
            "the cat sat on the mat",
        ]],
    ),
    "unigrams_only": (
        ["house red big", "car fast old"],
        [["the big red house", "an old fast car"]],
    ),
    "perfect": (BASIC_REF, [BASIC_REF]),
    "short_hypotheses": (
        ["The cat.", "A dog barks.", "Coffee, please.", "Berlin since 2015."],
        [BASIC_REF[:4]],
    ),
    "long_hypotheses": (
        [h + " And that is really all there is to say about it, honestly." for h in BASIC_HYP],
        [BASIC_REF],
    ),
    "case": (
        [
            "THE CAT SAT ON THE MAT.",
            "ΣΊΣΥΦΟΣ ΚΑΙ ΟΔΥΣΣΕΥΣ.",
            "İstanbul ist GROß und Straße ist STRASSE.",
            "ǅemal and ﬁne ﬂowers.",
            "McDonald's In NEW York.",
        ],
        [[
            "The cat sat on the mat.",
            "Σίσυφος και Οδυσσεύς.",
            "istanbul ist groß und strasse ist straße.",
            "džemal and fine flowers.",
            "McDonald's in New York.",
        ]],
    ),
    "whitespace": (
        [
            "  leading and trailing spaces   ",
            "vertical\x0btab and\x0cform feed\x1fseparators",
            "many     spaces    here",
            "no\u00a0break\u3000ideographic\u2003em space",
            "next\x85line and line\u2028separator",
            "zero\u200bwidth space is no space",
        ],
        [[
            "leading and trailing spaces",
            "vertical tab and\tform feed separators",
            "many spaces\t\there",
            "no break ideographic em space",
            "next line and line separator",
            "zero width space is no space\t",
        ]],
    ),
    "crlf": (
        ["first line", "second line here", "third"],
        [["first line", "the second line here", "third one"]],
    ),
    "german": (
        [
            "Ein Mann mit einem orangefarbenen Hut, der etwas anstarrt.",
            "„Das ist großartig“, sagte die Frau.",
            "Die Kinder spielen im Schnee-Park.",
            "Er wohnt in der Müllerstraße 12a.",
        ],
        [[
            "Ein Mann mit orangefarbenem Hut starrt etwas an.",
            "„Das ist wunderbar“, sagte die Frau.",
            "Die Kinder spielen im Schneepark.",
            "Er wohnt in der Müllerstraße 12 a.",
        ]],
    ),
    "french": (
        [
            "L'homme regarde l'horizon.",
            "Qu'est-ce que c'est ?",
            "« Viens ! » cria-t-il.",
            "Aujourd'hui, il fait 25°C.",
        ],
        [[
            "L’homme regarde l’horizon.",
            "Qu'est-ce que c'est?",
            "« Viens ! », cria-t-il.",
            "Aujourd'hui il fait 25 °C.",
        ]],
    ),
    "combining_marks": (
        [
            "Cafe\u0301 au lait et cre\u0300me bru\u0302le\u0301e.",
            "Ce\u030cesky\u0301 jazyk je kra\u0301sny\u0301.",
            "naïve résumé",
        ],
        [[
            "Café au lait et crème brûlée.",
            "Český jazyk je krásný.",
            "nai\u0308ve re\u0301sume\u0301",
        ]],
    ),
    "symbols": (
        [
            "2 + 2 = 4 and 3 < 5 > 1.",
            "It costs 20€ or £15 or ¥2000.",
            "© 2024 ACME™ — all rights reserved ®.",
            "I ❤ Unicode 😀 and ★ stars ☆.",
            "The angle is 90° ± 0.5°.",
        ],
        [[
            "2+2=4 and 3<5>1.",
            "It costs 20 € or £ 15 or ¥ 2000.",
            "© 2024 ACME ™ — all rights reserved®.",
            "I ❤ Unicode 😀 and ★ stars ☆ .",
            "The angle is 90 ° ± 0.5 °.",
        ]],
    ),
    "cyrillic": (
        [
            "Привет, мир! Как дела?",
            "Это — тест «кавычек».",
            "В 2023 г. было 1 000 000 руб.",
        ],
        [[
            "Здравствуй, мир! Как дела?",
            "Это тест «кавычек».",
            "В 2023 году было 1 000 000 рублей.",
        ]],
    ),
    "chrf_punctuation_words": (
        [
            "(hello) world! 'quoted' words... end.",
            "\"Yes,\" she said; (really).",
            "a b c ! ? .",
            "-dash- +plus+ #tag @user",
        ],
        [[
            "(hello) world 'quoted' words ... end .",
            "\"Yes\", she said: (really)",
            "a b c!?.",
            "dash plus #tag @user",
        ]],
    ),
    "cjk_other": (
        [
            "東京は日本の首都です。",
            "서울은 한국의 수도입니다.",
            "カタカナとひらがな、そして漢字。",
        ],
        [[
            "東京は日本の首都である。",
            "서울은 대한민국의 수도입니다.",
            "ひらがなとカタカナ、そして漢字。",
        ]],
    ),
    "single_line": (
        ["Just one sentence to score against its reference."],
        [["Just one sentence to be scored against the reference."]],
    ),
}


def generated_set(seed, n_lines, n_refs):
    """A pseudo-random corpus with realistic n-gram overlap, from a seeded generator."""
    rng = random.Random(seed)
    words = ("the a of to and in is was for on that with as by at from this it be are he she they we "
             "house river city night morning child woman man dog cat tree road car train music book "
             "runs walks sings looks plays reads writes sits stands opens closes sees finds makes "
             "red green big small old new quiet loud quickly slowly , . ? ! ; : \" ' ( ) 1,000 3.5 "
             "2019 - 42 naïve café Straße 東京 ünïcödé").split()
    refs = []
    for _ in range(n_lines):
        length = rng.randint(0, 18) if rng.random() > 0.05 else 0
        refs.append(" ".join(rng.choice(words) for _ in range(length)))

    def perturb(line):
        tokens = line.split()
        out = []
        for t in tokens:
            r = rng.random()
            if r < 0.12:
                continue
            if r < 0.24:
                out.append(rng.choice(words))
            elif r < 0.30:
                out.extend([t, rng.choice(words)])
            elif r < 0.34:
                out.append(t.upper())
            else:
                out.append(t)
        if out and rng.random() < 0.3:
            i = rng.randrange(len(out))
            j = rng.randrange(len(out))
            out[i], out[j] = out[j], out[i]
        return " ".join(out)

    hyp = [perturb(r) for r in refs]
    streams = [refs] + [[perturb(r) for r in refs] for _ in range(n_refs - 1)]
    return hyp, streams


SETS["generated_300"] = generated_set(1234, 300, 1)
SETS["generated_multi_ref"] = generated_set(99, 120, 3)

# ---------------------------------------------------------------------------
# Option sets: every tokenizer with every smoothing method, lowercase on half of them,
# each paired with a chrF / chrF++ variant, plus output variants.

TOKENIZERS = ["13a", "intl", "zh", "char", "none"]
SMOOTHING = [["-s", "exp"], ["-s", "floor"], ["-s", "add-k"], ["-s", "none"]]
CHRF_VARIANTS = [
    [],
    ["-cw", "2"],
    ["--chrf-lowercase"],
    ["-cw", "2", "--chrf-lowercase"],
    ["--chrf-whitespace"],
    ["--chrf-eps-smoothing"],
    ["-cw", "2", "--chrf-eps-smoothing"],
    ["--chrf-beta", "3", "-cc", "4"],
]


def option_sets():
    sets = [["-m", "bleu", "chrf"]]  # all defaults
    k = 0
    for tok in TOKENIZERS:
        for smooth in SMOOTHING:
            args = ["-m", "bleu", "chrf", "-tok", tok] + smooth + CHRF_VARIANTS[k % len(CHRF_VARIANTS)]
            if k % 2 == 1:
                args.append("-lc")
            sets.append(args)
            k += 1
    sets += [
        ["-m", "bleu", "chrf", "-cw", "2", "-lc"],
        ["-m", "chrf", "bleu", "-s", "floor", "-sv", "0.25", "-cw", "2", "-f", "json"],
        ["-m", "bleu", "-s", "add-k", "-sv", "0.5", "-tok", "intl", "-sh"],
        ["-m", "bleu", "chrf", "-w", "1"],
        ["-m", "bleu", "chrf", "-cw", "2", "-w", "4", "-b"],
        ["-m", "bleu", "chrf", "-b", "-f", "json", "-tok", "zh"],
    ]
    return sets


def fixture_names():
    return sorted(SETS)


def fixture_files(name):
    d = os.path.join(FIXTURES, name)
    refs = sorted(f for f in os.listdir(d) if f.startswith("ref"))
    return os.path.join(d, "hyp.txt"), [os.path.join(d, r) for r in refs]


def write_fixtures():
    for name, (hyp, streams) in SETS.items():
        assert all(len(s) == len(hyp) for s in streams), name
        d = os.path.join(FIXTURES, name)
        os.makedirs(d, exist_ok=True)
        ending = "\r\n" if name == "crlf" else "\n"

        def dump(path, lines):
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write("".join(line + ending for line in lines))

        dump(os.path.join(d, "hyp.txt"), hyp)
        for k, stream in enumerate(streams, 1):
            dump(os.path.join(d, f"ref{k}.txt"), stream)
    print(f"wrote {len(SETS)} fixture sets to {FIXTURES}")


# ---------------------------------------------------------------------------
# Running the tools.

def sacrebleu_args(args):
    """mt-bleu prints text with 2 decimals by default; sacreBLEU must be told."""
    extra = []
    if "-f" not in args:
        extra += ["-f", "text"]
    if "-w" not in args:
        extra += ["-w", "2"]
    return args + extra


def normalise(output):
    """Blank out the version field, the only intended difference."""
    import re
    return re.sub(r'(version|v)(":\s*"|:)[^|"\s]+', lambda m: m.group(1) + m.group(2) + VERSION_PLACEHOLDER, output)


def run(cmd, hyp_path):
    with open(hyp_path, "rb") as stdin:
        proc = subprocess.run(cmd, stdin=stdin, capture_output=True)
    env_note = proc.stderr.decode("utf-8", "replace").strip()
    return proc.returncode, proc.stdout.decode("utf-8"), env_note


def cases(corpora=None):
    """(case id, hypothesis file, reference files, args) for every fixture and option set."""
    out = []
    for name in fixture_names():
        hyp, refs = fixture_files(name)
        for i, args in enumerate(option_sets()):
            out.append((f"{name}#{i}", hyp, refs, args))
    if corpora:
        out += corpus_cases(corpora)
    return out


def corpus_cases(corpora):
    """Larger checks on slices of the shared corpora, perturbed deterministically."""
    tmp = tempfile.mkdtemp(prefix="mteval-corpora-")
    out = []
    specs = [("multi30k/test2016.en", []), ("multi30k/test2016.de", ["-tok", "intl"]),
             ("tatoeba-zh-en/test.zh", ["-tok", "zh"])]
    for rel, tok in specs:
        path = os.path.join(corpora, rel)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            refs = [line.rstrip("\n") for line in f]
        rng = random.Random(7)
        hyp = []
        for line in refs:
            chars = list(line)
            for _ in range(max(1, len(chars) // 12)):
                if chars and rng.random() < 0.7:
                    i = rng.randrange(len(chars))
                    op = rng.random()
                    if op < 0.4:
                        del chars[i]
                    elif op < 0.7:
                        chars[i] = rng.choice(" aeiouns.,")
                    else:
                        j = rng.randrange(len(chars))
                        chars[i], chars[j] = chars[j], chars[i]
            hyp.append("".join(chars))
        base = os.path.join(tmp, rel.replace("/", "_"))
        with open(base + ".hyp", "w", encoding="utf-8") as f:
            f.write("\n".join(hyp) + "\n")
        for args in (["-m", "bleu", "chrf"] + tok, ["-m", "bleu", "chrf", "-cw", "2", "-lc", "-s", "floor"] + tok):
            out.append((f"corpus:{rel}", base + ".hyp", [path], args))
    return out


def record_expected(sacrebleu):
    records = []
    todo = cases()

    def one(case):
        cid, hyp, refs, args = case
        rc, stdout, err = run([sacrebleu] + refs + sacrebleu_args(args), hyp)
        if rc != 0:
            raise SystemExit(f"sacreBLEU failed on {cid}: {err}")
        return {"case": cid, "fixture": cid.split("#")[0], "args": args, "expected": normalise(stdout)}

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        records = list(pool.map(one, todo))
    version = subprocess.run([sacrebleu, "--version"], capture_output=True, text=True).stdout.strip()
    with open(EXPECTED, "w", encoding="utf-8") as f:
        json.dump({"generated_by": version, "version_placeholder": VERSION_PLACEHOLDER,
                   "hypotheses_on": "stdin", "cases": records}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"recorded {len(records)} cases from {version} in {EXPECTED}")


def check(sacrebleu, mtbleu, corpora=None):
    todo = cases(corpora)

    def one(case):
        cid, hyp, refs, args = case
        rc1, out1, err1 = run([sacrebleu] + refs + sacrebleu_args(args), hyp)
        rc2, out2, err2 = run([mtbleu] + refs + args, hyp)
        a, b = normalise(out1), normalise(out2)
        ok = rc1 == 0 and rc2 == 0 and a == b
        detail = "" if ok else (f"FAIL {cid} args: {' '.join(args)}\n  sacreBLEU (rc {rc1}): {a!r} {err1[-300:]}\n"
                                f"  mt-bleu   (rc {rc2}): {b!r} {err2[-300:]}")
        return ok, detail

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(one, todo))
    failed = [d for ok, d in results if not ok]
    for d in failed:
        print(d)
    fixtures = len({c[0].split("#")[0] for c in todo})
    print(f"compared {len(todo)} runs: {fixtures} fixture sets x up to {len(option_sets())} option sets"
          + (" (plus shared corpora)" if corpora and any(c[0].startswith("corpus:") for c in todo) else ""))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 1 and argv[0] == "write":
        write_fixtures()
        return 0
    if len(argv) == 2 and argv[0] == "expected":
        record_expected(argv[1])
        return 0
    if len(argv) >= 3 and argv[0] == "check":
        corpora = None
        if len(argv) == 5 and argv[3] == "--corpora":
            corpora = argv[4]
        return check(argv[1], argv[2], corpora)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
