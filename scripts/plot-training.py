#!/usr/bin/env python3
"""Plot an mt-train TSV log as an SVG picture: training loss by step (top panel)
and validation BLEU by step (bottom panel).

    scripts/plot-training.py MODEL.log.tsv [-o curve.svg] [--title TEXT]

The log has a header line naming its columns; the ones used are kind, step,
loss and val_bleu (val_perplexity is shown too when present). Rows whose kind
starts with "val" (or that carry a val_bleu value) are validation points, the
others training points. Empty cells, "-", "nan" and "NA" count as missing.
Needs only Python 3's standard library.
"""

import argparse
import math
import os
import sys
from xml.sax.saxutils import escape

MISSING = {"", "-", "nan", "na", "none", "null", "inf", "-inf"}


def number(text):
    if text is None or text.strip().lower() in MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_log(path):
    """Returns (train, valid): lists of (step, value) for loss and val_bleu,
    and valid_ppl: (step, val_perplexity)."""
    train, valid, valid_ppl = [], [], []
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\r\n") for l in f if l.strip()]
    if not lines:
        raise SystemExit(f"plot-training: error: empty log ({path})")
    header = [h.strip().lower() for h in lines[0].split("\t")]
    if "step" not in header:
        raise SystemExit(f"plot-training: error: no 'step' column in the header line ({path})")
    col = {name: i for i, name in enumerate(header)}

    def cell(fields, name):
        i = col.get(name)
        return fields[i] if i is not None and i < len(fields) else None

    for n, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        step = number(cell(fields, "step"))
        if step is None:
            continue
        kind = (cell(fields, "kind") or "").strip().lower()
        bleu = number(cell(fields, "val_bleu"))
        ppl = number(cell(fields, "val_perplexity"))
        if kind.startswith("val") or (kind == "" and bleu is not None):
            if bleu is not None:
                valid.append((step, bleu))
            if ppl is not None:
                valid_ppl.append((step, ppl))
        else:
            loss = number(cell(fields, "loss"))
            if loss is not None:
                train.append((step, loss))
    return train, valid, valid_ppl


def nice_ticks(lo, hi, count=5):
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if step >= raw:
            break
    start = math.floor(lo / step) * step
    end = math.ceil(hi / step) * step
    ticks, t = [], start
    while t <= end + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks, step


def label(value, step):
    if step >= 1 and abs(value) >= 1000 and value == int(value):
        if value % 1000 == 0:
            return f"{int(value) // 1000}k"
        return f"{value / 1000:g}k"
    if step >= 1:
        return f"{int(round(value))}"
    decimals = max(0, -int(math.floor(math.log10(step))))
    if step * 10 ** decimals != int(step * 10 ** decimals):
        decimals += 1
    return f"{value:.{decimals}f}"


class Panel:
    def __init__(self, x, y, w, h, xr, yr, y_zero=False, y_cap=None):
        self.x, self.y, self.w, self.h = x, y, w, h
        self.xticks, self.xstep = nice_ticks(*xr)
        lo, hi = yr
        if y_zero:
            lo = min(0.0, lo)
        pad = (hi - lo) * 0.05 or 1.0
        top = hi + pad if y_cap is None else min(hi + pad, y_cap)
        self.yticks, self.ystep = nice_ticks(lo if y_zero else lo - pad, top)
        if y_cap is not None and self.yticks[-1] > y_cap >= hi:
            self.yticks = [t for t in self.yticks if t < y_cap] + [y_cap]
        self.x0, self.x1 = self.xticks[0], self.xticks[-1]
        self.y0, self.y1 = self.yticks[0], self.yticks[-1]

    def px(self, v):
        return self.x + (v - self.x0) / (self.x1 - self.x0) * self.w

    def py(self, v):
        return self.y + self.h - (v - self.y0) / (self.y1 - self.y0) * self.h

    def frame(self, out, title, ylabel, xlabel):
        for t in self.yticks:
            yy = self.py(t)
            out.append(f'<line x1="{self.x:.1f}" y1="{yy:.1f}" x2="{self.x + self.w:.1f}" y2="{yy:.1f}" class="grid"/>')
            out.append(f'<text x="{self.x - 8:.1f}" y="{yy + 4:.1f}" class="tick" text-anchor="end">{label(t, self.ystep)}</text>')
        for t in self.xticks:
            xx = self.px(t)
            out.append(f'<line x1="{xx:.1f}" y1="{self.y:.1f}" x2="{xx:.1f}" y2="{self.y + self.h:.1f}" class="grid"/>')
            out.append(f'<text x="{xx:.1f}" y="{self.y + self.h + 18:.1f}" class="tick" text-anchor="middle">{label(t, self.xstep)}</text>')
        out.append(f'<rect x="{self.x:.1f}" y="{self.y:.1f}" width="{self.w:.1f}" height="{self.h:.1f}" class="frame"/>')
        out.append(f'<text x="{self.x:.1f}" y="{self.y - 10:.1f}" class="title">{escape(title)}</text>')
        cy = self.y + self.h / 2
        out.append(f'<text x="{self.x - 52:.1f}" y="{cy:.1f}" class="axis" text-anchor="middle" '
                   f'transform="rotate(-90 {self.x - 52:.1f} {cy:.1f})">{escape(ylabel)}</text>')
        if xlabel:
            out.append(f'<text x="{self.x + self.w / 2:.1f}" y="{self.y + self.h + 40:.1f}" class="axis" '
                       f'text-anchor="middle">{escape(xlabel)}</text>')

    def line(self, out, points, cls, markers=False):
        if not points:
            return
        path = " ".join(f"{self.px(s):.1f},{self.py(v):.1f}" for s, v in points)
        out.append(f'<polyline points="{path}" class="{cls}"/>')
        if markers or len(points) == 1:
            for s, v in points:
                out.append(f'<circle cx="{self.px(s):.1f}" cy="{self.py(v):.1f}" r="3.5" class="{cls}-dot"/>')


def smooth(points, window):
    """Moving average over `window` points (the raw curve stays drawn faintly)."""
    if window <= 1 or len(points) < 2 * window:
        return []
    out, total = [], 0.0
    for i, (s, v) in enumerate(points):
        total += v
        if i >= window:
            total -= points[i - window][1]
        if i >= window - 1:
            out.append((s, total / window))
    return out


def render(train, valid, title):
    width, height = 760, 560
    left, right = 86, 30
    w = width - left - right
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           "<style>"
           ".grid{stroke:#e3e3e3;stroke-width:1}"
           ".frame{fill:none;stroke:#888;stroke-width:1}"
           ".tick{font-size:12px;fill:#444}"
           ".axis{font-size:13px;fill:#222}"
           ".title{font-size:15px;font-weight:bold;fill:#222}"
           ".heading{font-size:17px;font-weight:bold;fill:#111}"
           ".raw{fill:none;stroke:#9ecae1;stroke-width:1.2}"
           ".loss{fill:none;stroke:#1f77b4;stroke-width:2}"
           ".loss-dot{fill:#1f77b4}"
           ".bleu{fill:none;stroke:#d62728;stroke-width:2}"
           ".bleu-dot{fill:#d62728;stroke:#fff;stroke-width:1}"
           ".note{font-size:12px;fill:#555}"
           "</style>",
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    top = 44
    if title:
        out.append(f'<text x="{width / 2:.1f}" y="24" class="heading" text-anchor="middle">{escape(title)}</text>')
    steps = [s for s, _ in train] + [s for s, _ in valid]
    xr = (min(steps + [0.0]), max(steps + [1.0]))
    h = 190
    # Top panel: training loss.
    if train:
        losses = [v for _, v in train]
        p = Panel(left, top + 20, w, h, xr, (min(losses), max(losses)), y_zero=True)
        p.frame(out, "Training loss", "loss (label-smoothed CE)", "")
        window = max(1, len(train) // 40)
        sm = smooth(train, window)
        if sm:
            p.line(out, train, "raw")
            p.line(out, sm, "loss")
        else:
            p.line(out, train, "loss", markers=len(train) <= 30)
        best = min(train, key=lambda t: t[1])
        out.append(f'<text x="{left + w - 6:.1f}" y="{top + 38:.1f}" class="note" text-anchor="end">'
                   f'last {train[-1][1]:.3f} at step {int(train[-1][0])}</text>')
    else:
        out.append(f'<text x="{left}" y="{top + 40}" class="note">no training rows in the log</text>')
    # Bottom panel: validation BLEU.
    y2 = top + 20 + h + 70
    if valid:
        bleus = [v for _, v in valid]
        p = Panel(left, y2, w, h, xr, (min(bleus), max(bleus)), y_zero=True, y_cap=100.0)
        p.frame(out, "Validation BLEU", "BLEU", "training step (updates)")
        p.line(out, valid, "bleu", markers=True)
        best = max(valid, key=lambda t: t[1])
        out.append(f'<text x="{left + w - 6:.1f}" y="{y2 + h - 10:.1f}" class="note" text-anchor="end">'
                   f'best {best[1]:.2f} at step {int(best[0])}</text>')
    else:
        out.append(f'<text x="{left}" y="{y2 + 20}" class="note">no validation rows in the log</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Plot an mt-train TSV log (loss and validation BLEU by step) as SVG.")
    ap.add_argument("log", help="the TSV log written by mt-train (e.g. model.log.tsv)")
    ap.add_argument("-o", "--output", help="SVG file to write (default: the log's name with .svg)")
    ap.add_argument("--title", default=None, help="heading above the panels (default: the log's file name)")
    args = ap.parse_args()
    try:
        train, valid, _ = read_log(args.log)
    except OSError as e:
        raise SystemExit(f"plot-training: error: {e.strerror} ({args.log})")
    if not train and not valid:
        raise SystemExit(f"plot-training: error: no training or validation rows with numbers ({args.log})")
    output = args.output or os.path.splitext(args.log)[0] + ".svg"
    title = args.title if args.title is not None else os.path.basename(args.log)
    svg = render(train, valid, title)
    tmp = output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(svg)
    os.replace(tmp, output)
    print(f"plot-training: {len(train)} training and {len(valid)} validation points -> {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
