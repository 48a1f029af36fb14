#!/usr/bin/env python3
"""Opens a model or optimiser-state file with Python's safetensors and numpy, the way
other tools will, and prints its tensor names, shapes, dtypes and metadata keys.

Exit status 0 when the file loads and every tensor is finite, 1 otherwise."""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check-safetensors.py FILE.safetensors", file=sys.stderr)
        return 2
    path = sys.argv[1]
    tensors = load_file(path)  # reads and validates the whole file
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
        names = list(f.keys())
    print(f"{path}: {len(names)} tensors, {sum(t.size for t in tensors.values())} values")
    ok = True
    for name in names:
        t = tensors[name]
        finite = bool(np.all(np.isfinite(t))) if t.dtype.kind == "f" else True
        ok = ok and finite
        print(f"  {name}\t{list(t.shape)}\t{t.dtype}" + ("" if finite else "\tNON-FINITE"))
    print("metadata keys: " + (", ".join(sorted(metadata)) if metadata else "(none)"))
    for key in sorted(metadata):
        value = metadata[key]
        try:
            json.loads(value)
            kind = "JSON"
        except ValueError:
            kind = "text"
        print(f"  {key}\t{kind}, {len(value)} characters")
    print("check-safetensors: ok" if ok else "check-safetensors: non-finite values found")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
