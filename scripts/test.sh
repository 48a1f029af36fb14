#!/usr/bin/env bash
# The whole test suite: unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# The unit tests on the OpenBLAS kernel the programs run (BLASKernelChoice), not on
# OpenBLAS's SSE3 fallback for a CPU it does not know.
core=${OPENBLAS_CORETYPE:-$(OPENBLAS_VERBOSE=2 "$(swift build --show-bin-path)/mt-train" --help 2>&1 | sed -n 's/^Core: //p' | tail -n 1)}
env ${core:+OPENBLAS_CORETYPE=$core} swift test --skip-build
# mt-bleu against sacreBLEU itself (skips itself when PyPI is out of reach).
scripts/check-sacrebleu.sh
# Model files open with Python's safetensors (skips itself when PyPI is out of reach).
scripts/check-safetensors.sh
# The corpus recipes (multi30k.sh, tatoeba-zh-en.sh) on small slices, with a tiny model.
scripts/check-recipes.sh
# mt-serve end to end on loopback: every route and bad input, against mt-translate (with Chromium, the web page too).
scripts/check-serve.sh
# Training across MPI processes (skips itself unless mt-train is built with SWIFTNMT_MPI=1).
scripts/check-mpi.sh
# Every fuzz target for a few seconds (libFuzzer with address sanitizer; scripts/fuzz.sh).
scripts/fuzz.sh --smoke 3
