#!/usr/bin/env python3
"""Draw the attention weights of one translation as an SVG heatmap: source
tokens along the x axis, target tokens down the y axis, darker = more weight.

    mt-translate --model M --attention att.jsonl < test.src > test.hyp
    scripts/plot-attention.py att.jsonl [--line N] [-o attention.svg]

Each line of the input is a JSON object
    {"index": 0, "source": [tokens], "target": [tokens], "weights": [[...], ...]}
with one row of weights per target token (the weights over the source tokens).
When there is one row or column more than tokens, it is labelled </s>.
--line picks the object whose "index" is N (default: the first line).
Needs only Python 3's standard library.
"""

import argparse
import json
import os
import sys
from xml.sax.saxutils import escape


def die(message):
    raise SystemExit(f"plot-attention: error: {message}")


def load(path, index):
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        die(f"{e.strerror} ({path})")
    with f:
        first = None
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                die(f"not a JSON object: {e.msg} ({path}:{n})")
            if index is None:
                return obj, n
            if obj.get("index") == index:
                return obj, n
            if first is None:
                first = n
    if index is None:
        die(f"no attention lines ({path})")
    die(f"no line with index {index} ({path})")


JOINER = "\uffed"  # marks a token glued to its neighbour; dropped from the labels unless --joiners


def labels(tokens, size, what, joiners=False):
    tokens = [str(t) if joiners else (str(t).replace(JOINER, "") or str(t)) for t in tokens]
    if len(tokens) == size:
        return tokens
    if len(tokens) + 1 == size:
        return tokens + ["</s>"]
    die(f"{len(tokens)} {what} tokens but {size} weight {'rows' if what == 'target' else 'columns'}")


def text_width(s, size):
    """Rough width of s in pixels at font size `size` (DejaVu Sans averages ~0.6 em)."""
    return sum(0.62 if ord(c) < 0x2E80 else 1.0 for c in s) * size


def color(w):
    """White -> deep blue, perceptually smooth enough for weights in [0, 1]."""
    w = max(0.0, min(1.0, w))
    lo, hi = (247, 251, 255), (8, 48, 107)
    return "#%02x%02x%02x" % tuple(round(a + (b - a) * w ** 0.8) for a, b in zip(lo, hi))


def render(obj, show_values, joiners=False):
    weights = obj.get("weights")
    if not isinstance(weights, list) or not weights or not all(isinstance(r, list) for r in weights):
        die("the line has no weights matrix")
    rows, cols = len(weights), len(weights[0])
    if any(len(r) != cols for r in weights):
        die("the weight rows have different lengths")
    src = labels(obj.get("source", []), cols, "source", joiners)
    tgt = labels(obj.get("target", []), rows, "target", joiners)

    font = 13
    cell = max(22, min(42, int(640 / max(cols, rows))))
    left = int(max(text_width(t, font) for t in tgt)) + 24
    top = int(max(text_width(s, font) for s in src) * 0.75) + 50
    width = left + cols * cell + 90
    height = top + rows * cell + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           "<style>.tok{font-size:%dpx;fill:#222}.val{font-size:%dpx}.axis{font-size:12px;fill:#555}"
           ".grid{fill:none;stroke:#ccc;stroke-width:0.5}</style>" % (font, max(8, cell // 3)),
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    out.append(f'<text x="{left}" y="16" class="axis">source \u2192</text>')
    out.append(f'<text x="8" y="{top - 8}" class="axis">target \u2193</text>')
    for j, s in enumerate(src):
        x = left + j * cell + cell / 2 + 4
        y = top - 8
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" class="tok" transform="rotate(-45 {x:.1f} {y:.1f})">{escape(s)}</text>')
    for i, t in enumerate(tgt):
        y = top + i * cell + cell / 2 + font * 0.35
        out.append(f'<text x="{left - 8}" y="{y:.1f}" class="tok" text-anchor="end">{escape(t)}</text>')
        for j in range(cols):
            w = float(weights[i][j])
            x0, y0 = left + j * cell, top + i * cell
            out.append(f'<rect x="{x0}" y="{y0}" width="{cell}" height="{cell}" fill="{color(w)}"/>')
            if show_values and w >= 0.005:
                fill = "#fff" if w > 0.5 else "#333"
                out.append(f'<text x="{x0 + cell / 2:.1f}" y="{y0 + cell / 2 + cell / 9:.1f}" class="val" '
                           f'text-anchor="middle" fill="{fill}">{w:.2f}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{cols * cell}" height="{rows * cell}" class="grid"/>')
    # Colour scale.
    bx, bh = left + cols * cell + 24, rows * cell
    steps = 50
    for k in range(steps):
        w = 1 - k / steps
        out.append(f'<rect x="{bx}" y="{top + k * bh / steps:.2f}" width="14" height="{bh / steps + 0.6:.2f}" fill="{color(w)}"/>')
    out.append(f'<rect x="{bx}" y="{top}" width="14" height="{bh}" class="grid"/>')
    for w in (0.0, 0.5, 1.0):
        y = top + (1 - w) * bh
        out.append(f'<text x="{bx + 20}" y="{y + 4:.1f}" class="axis">{w:.1f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Attention weights (mt-translate --attention JSON lines) -> SVG heatmap.")
    ap.add_argument("attention", help="JSON-lines file written by mt-translate --attention")
    ap.add_argument("--line", type=int, default=None, metavar="N",
                    help='draw the object whose "index" is N (default: the first line)')
    ap.add_argument("-o", "--output", help="SVG file to write (default: attention-N.svg)")
    ap.add_argument("--values", action="store_true", help="print each weight inside its cell")
    ap.add_argument("--joiners", action="store_true", help="keep the joiner marks (\uffed) in the token labels")
    args = ap.parse_args()
    obj, n = load(args.attention, args.line)
    output = args.output or f"attention-{obj.get('index', n)}.svg"
    svg = render(obj, args.values, args.joiners)
    tmp = output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(svg)
    os.replace(tmp, output)
    print(f"plot-attention: line {obj.get('index', n)} "
          f"({len(obj.get('source', []))} source, {len(obj.get('target', []))} target tokens) -> {output}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
