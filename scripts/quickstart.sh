#!/usr/bin/env bash
# From a fresh checkout to a trained English->German model in a few minutes:
# installs missing system packages, builds the release binaries, preprocesses the
# sample corpus (corpora/sample), trains a small model (scripts/configs/sample.yaml),
# translates the sample test set with beam search, and prints BLEU, chrF and a few
# example translations. Everything it writes goes under one work directory, except
# the sample's vocabularies: those it writes to vocab/sample/, where they are versioned.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/quickstart.sh [options] [--set key=value ...]

Options:
  --work DIR       work directory for every output but the vocabularies
                   (default: runs/quickstart)
  --keep           reuse the model in the work directory if there is one
                   (default: train a new one, replacing the old)
  --beam-size N    beam size for the test translation (default: 5)
  --threads N      threads for training and translation (default: one per core)
  --set key=value  override a setting of scripts/configs/sample.yaml (repeatable)
  --no-install     never install system packages; stop if one is missing
  -h, --help       show this help

Re-running is safe: the preprocessed data is rebuilt, the model retrained
(unless --keep), and every output overwritten.
USAGE
}

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "quickstart.sh: error: $1${2:+ ($2)}" >&2; exit 1; }

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/runs/quickstart" keep=0 beam=5 threads="" install=1 sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --work) [ $# -ge 2 ] || die "$1 needs a value"; work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --beam-size) [ $# -ge 2 ] || die "$1 needs a value"; beam="$2"; shift 2 ;;
    --threads) [ $# -ge 2 ] || die "$1 needs a value"; threads="$2"; shift 2 ;;
    --set) [ $# -ge 2 ] || die "$1 needs a value"; sets+=(--set "$2"); shift 2 ;;
    --no-install) install=0; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
mkdir -p "$work" || die "cannot create the work directory" "$work"
work="$(cd "$work" && pwd)"
cd "$root"
start=$(date +%s)

# ---------------------------------------------------------------- 1. system packages
say "Checking the system packages"
command -v swift >/dev/null 2>&1 || die "swift is not on PATH: install Swift 6 (https://www.swift.org/install/linux/) and add its usr/bin to PATH"
packages=(libicu-dev libopenblas-dev pkg-config python3)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
else
  # Not Debian: check what the build needs directly.
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  pkg-config --exists icu-uc 2>/dev/null || missing+=(libicu-dev)
  pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && apt-get install -y ${missing[*]}"
  if [ "$install" = 1 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [ "$install" = 1 ] && command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "installing with sudo: ${missing[*]}" >&2
    sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "quickstart.sh: missing system packages: ${missing[*]}" >&2
    echo "install them as root, then run this script again:" >&2
    echo "    $cmd" >&2
    exit 1
  fi
else
  echo "all present: ${packages[*]}" >&2
fi

# ---------------------------------------------------------------- 2. build
say "Building the release binaries (swift build -c release)"
swift build -c release >&2 || die "swift build failed (see the messages above)"
bin="$(swift build -c release --show-bin-path)"
for tool in mt-preprocess mt-train mt-translate mt-bleu; do
  [ -x "$bin/$tool" ] || die "$tool was not built" "$bin"
done
echo "binaries in $bin" >&2

# ---------------------------------------------------------------- 3. preprocess
corpus="$root/corpora/sample"
data="$work/data"
say "Preprocessing the sample corpus ($corpus, English -> German)"
# The sample corpus has a few hundred word forms per side, all seen in training:
# whole words work best, so no BPE merges. The vocabularies go to vocab/sample/,
# where the same files are versioned (vocab/README.md): rewriting them changes nothing.
rm -rf "$data"
"$bin/mt-preprocess" prepare \
  --train-src "$corpus/train.en" --train-tgt "$corpus/train.de" \
  --valid-src "$corpus/valid.en" --valid-tgt "$corpus/valid.de" \
  --out "$data" --vocab-dir "$root/vocab/sample" \
  --src-lang en --tgt-lang de --bpe-merges 0

# ---------------------------------------------------------------- 4. train
model="$work/model.safetensors"
threads_args=()
[ -n "$threads" ] && threads_args=(--threads "$threads")
if [ "$keep" = 1 ] && [ -f "$model" ]; then
  say "Reusing $model (--keep)"
else
  say "Training a small model (scripts/configs/sample.yaml)"
  # A fresh start: remove the previous model, its companions and its log.
  rm -f "$work"/model.*
  train_start=$(date +%s)
  "$bin/mt-train" --data "$data" --save "$model" \
    --config "$root/scripts/configs/sample.yaml" "${threads_args[@]}" "${sets[@]}"
  echo "training took $(( $(date +%s) - train_start )) s" >&2
fi

# ---------------------------------------------------------------- 5. translate and score
say "Translating the test set (beam size $beam)"
hyp="$work/test.hyp.de"
attention="$work/test.attention.jsonl"
"$bin/mt-translate" --model "$model" --beam-size "$beam" --attention "$attention" "${threads_args[@]}" \
  < "$corpus/test.en" > "$hyp.tmp" || { rm -f "$hyp.tmp"; die "mt-translate failed" "$model"; }
mv "$hyp.tmp" "$hyp"
echo "$(wc -l < "$hyp") lines written to $hyp" >&2

say "Scores on the test set (sacreBLEU-compatible)"
"$bin/mt-bleu" "$corpus/test.de" -i "$hyp" -m bleu chrf | tee "$work/test.scores"

say "Example translations"
for n in 1 7 42 100 314; do
  printf 'source:    %s\nreference: %s\noutput:    %s\n\n' \
    "$(sed -n "${n}p" "$corpus/test.en")" "$(sed -n "${n}p" "$corpus/test.de")" "$(sed -n "${n}p" "$hyp")"
done

say "A paragraph: split into sentences, translated, joined with its own line breaks"
paragraph="$(sed -n 1p "$corpus/test.en") $(sed -n 7p "$corpus/test.en")
$(sed -n 42p "$corpus/test.en")"
printf 'source:\n%s\n' "$paragraph"
printf 'output:\n%s\n\n' "$(printf '%s\n' "$paragraph" | "$bin/mt-translate" --model "$model" --beam-size "$beam" "${threads_args[@]}")"

# ---------------------------------------------------------------- 6. pictures
log="$(ls "$work"/model*.tsv 2>/dev/null | head -1 || true)"
if command -v python3 >/dev/null 2>&1; then
  say "Pictures"
  if [ -n "$log" ]; then
    python3 "$root/scripts/plot-training.py" "$log" -o "$work/training-curve.svg" \
      --title "Sample corpus (en→de): training loss and validation BLEU" || true
  fi
  [ -s "$attention" ] && python3 "$root/scripts/plot-attention.py" "$attention" --line 6 \
    -o "$work/attention.svg" || true
fi

say "Done in $(( $(date +%s) - start )) s. Everything is in $work:"
cat >&2 <<EOF
  data/                     preprocessed corpus (its vocabularies: $root/vocab/sample/)
  model.safetensors         the model (best validation BLEU), with its companions beside it
  ${log:+$(basename "$log")    training log (TSV): step, loss, validation BLEU ...}
  test.hyp.de               test-set translations
  test.scores               BLEU and chrF
  test.attention.jsonl      attention weights of every test sentence
  training-curve.svg        loss and validation BLEU by step
  attention.svg             attention heatmap of test sentence 7
Translate your own text (a line may hold several sentences):
  echo "The teacher reads a book. She likes it." | $bin/mt-translate --model $model
EOF
