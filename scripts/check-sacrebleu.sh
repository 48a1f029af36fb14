#!/usr/bin/env bash
# Compares mt-bleu with sacreBLEU itself on every fixture and option set (BLEU with all
# tokenizers and smoothing methods, -lc, chrF, chrF++, JSON and score-only output), and on
# slices of ../shared/corpora when present. Prints "N passed, M failed"; exits non-zero on
# any mismatch. sacreBLEU comes from PyPI into a cached virtual environment; without
# network access the check is skipped (exit 0).
#
#   scripts/check-sacrebleu.sh               compare (default)
#   scripts/check-sacrebleu.sh --record      also rewrite Tests/MTEvalTests/Fixtures/expected.json
#
# Environment: SACREBLEU_VENV (default .build/sacrebleu-venv), SACREBLEU_VERSION (default 2.6.0),
# MTEVAL_CORPORA (default ../shared/corpora).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${SACREBLEU_VENV:-.build/sacrebleu-venv}"
version="${SACREBLEU_VERSION:-2.6.0}"
sacrebleu="$venv/bin/sacrebleu"

if ! [ -x "$sacrebleu" ] || ! "$sacrebleu" --version 2>/dev/null | grep -q " $version\$"; then
  echo "check-sacrebleu: installing sacrebleu==$version into $venv" >&2
  if ! command -v python3 >/dev/null; then
    echo "check-sacrebleu: skipped: python3 is not installed" >&2
    exit 0
  fi
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    echo "check-sacrebleu: skipped: python3 cannot create a virtual environment (install python3-venv)" >&2
    exit 0
  fi
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --timeout 30 "sacrebleu==$version" >/dev/null 2>&1; then
    rm -rf "$venv"
    echo "check-sacrebleu: skipped: could not install sacrebleu from PyPI (offline?)" >&2
    exit 0
  fi
fi

swift build --product mt-bleu >&2
mtbleu="$(swift build --show-bin-path)/mt-bleu"

if [ "${1:-}" = "--record" ]; then
  python3 scripts/sacrebleu_fixtures.py expected "$sacrebleu"
fi

corpora_dir="${MTEVAL_CORPORA:-../shared/corpora}"
corpora=()
if [ -d "$corpora_dir" ]; then corpora=(--corpora "$corpora_dir"); fi
exec python3 scripts/sacrebleu_fixtures.py check "$sacrebleu" "$mtbleu" "${corpora[@]}"
