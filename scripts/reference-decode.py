#!/usr/bin/env python3
"""Decoding speed of the PyTorch reference (../shared/reference/torch_s2s.py) from a model
it saved (OUT/model.pt), without training again: test2016 with greedy and beam-5 search,
its own batching and search code, sentences/s and generated tokens/s.

Usage: python scripts/reference-decode.py MODEL.pt [--reference DIR] [--data DIR]
           [--threads 2] [--decode-batch 50] [--beam 5]
Run it with the reference's own environment (torch, sacrebleu), right after or before
scripts/bench-translate.sh, for a ratio measured in one run.
"""
import argparse
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "reference"))
ap.add_argument("--data", default=None)
ap.add_argument("--src", default="de")
ap.add_argument("--tgt", default="en")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--decode-batch", type=int, default=50)
ap.add_argument("--beam", type=int, default=5)
args = ap.parse_args()

sys.path.insert(0, os.path.abspath(args.reference))
import torch  # noqa: E402
import torch_s2s as ref  # noqa: E402

torch.set_num_threads(args.threads)
data = args.data or os.path.join(os.path.abspath(args.reference), "..", "corpora", "multi30k")
saved = torch.load(args.model, map_location="cpu")


def saved_vocab(itos):
    """The reference's Vocab rebuilt from its saved id -> token list."""
    v = ref.Vocab.__new__(ref.Vocab)
    v.itos, v.stoi = itos, {w: i for i, w in enumerate(itos)}
    return v


sv, tv = saved_vocab(saved["src_vocab"]), saved_vocab(saved["tgt_vocab"])
model = ref.Seq2Seq(len(sv), len(tv))
model.load_state_dict(saved["model"])

src = ref.read(f"{data}/test2016.{args.src}")
refs = ref.read(f"{data}/test2016.{args.tgt}")
pairs = [(sv.encode(ref.tokenize(s)), []) for s in src]
n_src = sum(len(a) for a, _ in pairs)
print(f"torch {torch.__version__} threads={torch.get_num_threads()} model {args.model}", flush=True)
for beam in (1, args.beam):
    name = "greedy" if beam == 1 else f"beam{beam}"
    c0 = time.process_time()
    hyps, ngen, dt = ref.translate(model, pairs, tv, beam, args.decode_batch)
    cpu = time.process_time() - c0
    score, _ = ref.bleu(hyps, refs)
    print(f"reference {name}: {len(pairs)} sentences in {dt:.2f} s = {len(pairs) / dt:.1f} sentences/s, "
          f"{ngen / dt:.0f} generated target tokens/s (incl. </s>), {n_src / dt:.0f} source tokens/s, "
          f"batch {args.decode_batch}, process CPU {cpu:.1f} s; BLEU -lc {score.score:.2f}", flush=True)
