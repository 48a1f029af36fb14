#!/usr/bin/env bash
# The Tatoeba Chinese–English recipe from start to finish: preprocess
# ../shared/corpora/tatoeba-zh-en (ICU word segmentation of the Chinese side is the
# tokenizer's own; BPE learned per side, or jointly), train with
# scripts/configs/tatoeba.yaml within a time budget, and score the test set with
# greedy and beam search (BLEU and chrF, sacreBLEU-compatible: 13a on English,
# -tok zh on Chinese).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/tatoeba-zh-en.sh [options] [--set key=value ...]

Options:
  --corpus DIR       the corpus as plain text (train.LANG, dev.LANG, test.LANG for zh and en).
                     Default: ../shared/corpora/tatoeba-zh-en beside the repository, else
                     corpora/tatoeba-zh-en.
  --src LANG         source language: zh or en (default: zh; the target is the other one)
  --time-budget T    stop training after T (seconds, or 90m, 2h, 1h30m; default: 30m;
                     0 = train until the config's epochs or early stopping)
  --bpe-merges N     BPE merge operations, per side (default: 3000)
  --joint-bpe        learn one set of merges over both sides instead
  --config FILE      mt-train configuration (default: scripts/configs/tatoeba.yaml)
  --work DIR         work directory (default: runs/tatoeba-SRC-TGT)
  --threads N        threads for training and translation (default: one per core)
  --set key=value    override a setting of the configuration (repeatable)
  --resume           continue an interrupted training run in the work directory
  --skip-train       only evaluate the model already in the work directory
  -h, --help         show this help

Example:
  scripts/tatoeba-zh-en.sh                          # zh -> en, 30 minutes of training
  scripts/tatoeba-zh-en.sh --src en                 # en -> zh, scored with -tok zh
  scripts/tatoeba-zh-en.sh --time-budget 60 --set training.validation_interval=50   # a smoke run
USAGE
}

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "tatoeba-zh-en.sh: error: $1${2:+ ($2)}" >&2; exit 1; }

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="" src=zh budget=30m merges=3000 joint=0 config="" work="" threads="" resume=0 train=1 sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --corpus) [ $# -ge 2 ] || die "$1 needs a value"; corpus="$2"; shift 2 ;;
    --src) [ $# -ge 2 ] || die "$1 needs a value"; src="$2"; shift 2 ;;
    --time-budget) [ $# -ge 2 ] || die "$1 needs a value"; budget="$2"; shift 2 ;;
    --bpe-merges) [ $# -ge 2 ] || die "$1 needs a value"; merges="$2"; shift 2 ;;
    --joint-bpe) joint=1; shift ;;
    --config) [ $# -ge 2 ] || die "$1 needs a value"; config="$2"; shift 2 ;;
    --work) [ $# -ge 2 ] || die "$1 needs a value"; work="$2"; shift 2 ;;
    --threads) [ $# -ge 2 ] || die "$1 needs a value"; threads="$2"; shift 2 ;;
    --set) [ $# -ge 2 ] || die "$1 needs a value"; sets+=(--set "$2"); shift 2 ;;
    --resume) resume=1; shift ;;
    --skip-train) train=0; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
case "$src" in
  zh) tgt=en ;;
  en) tgt=zh ;;
  *) die "the corpus has zh and en" "$src" ;;
esac
[[ "$merges" =~ ^[0-9]+$ ]] || die "--bpe-merges must be a number" "$merges"
config="${config:-$root/scripts/configs/tatoeba.yaml}"
[ -r "$config" ] || die "cannot read the configuration" "$config"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
start=$(date +%s)

# ---------------------------------------------------------------- corpus
if [ -z "$corpus" ]; then
  for d in "$root/../shared/corpora/tatoeba-zh-en" "$root/corpora/tatoeba-zh-en"; do
    if [ -f "$d/train.zh" ] && [ -f "$d/train.en" ]; then corpus="$d"; break; fi
  done
fi
[ -n "$corpus" ] || die "no corpus found; give its directory with --corpus"
corpus="$(cd "$corpus" && pwd)" || die "no such directory" "$corpus"
for split in train dev test; do
  for l in zh en; do
    [ -r "$corpus/$split.$l" ] || die "missing corpus file" "$corpus/$split.$l"
  done
done
echo "corpus: $corpus ($(wc -l < "$corpus/train.$src") training pairs, $src -> $tgt)" >&2

work="${work:-$root/runs/tatoeba-$src-$tgt}"
mkdir -p "$work" || die "cannot create the work directory" "$work"
work="$(cd "$work" && pwd)"
cd "$root"

# ---------------------------------------------------------------- build
say "Building the release binaries"
swift build -c release >&2 || die "swift build failed (see the messages above)"
bin="$(swift build -c release --show-bin-path)"

# ---------------------------------------------------------------- preprocess
data="$work/data"
bpe_args=(--bpe-merges "$merges")
[ "$joint" = 1 ] && bpe_args+=(--joint-bpe)
stamp="$corpus $src $tgt $merges joint=$joint"
if [ -f "$data/.done" ] && [ "$(cat "$data/.done")" = "$stamp" ]; then
  say "Preprocessed data is up to date ($data)"
else
  say "Preprocessing: $([ "$joint" = 1 ] && echo "joint BPE" || echo "BPE per side") with $merges merges"
  rm -rf "$data"
  "$bin/mt-preprocess" prepare \
    --train-src "$corpus/train.$src" --train-tgt "$corpus/train.$tgt" \
    --valid-src "$corpus/dev.$src" --valid-tgt "$corpus/dev.$tgt" \
    --out "$data" --vocab-dir "$data/vocab" \
    --src-lang "$src" --tgt-lang "$tgt" "${bpe_args[@]}"
  echo "$stamp" > "$data/.done"
fi

# ---------------------------------------------------------------- train
model="$work/model.safetensors"
threads_args=()
[ -n "$threads" ] && threads_args=(--threads "$threads")
if [ "$train" = 1 ]; then
  train_args=(--data "$data" --save "$model" --config "$config" --time-budget "$budget")
  if [ "$resume" = 1 ]; then
    say "Resuming training (time budget $budget)"
    train_args+=(--resume)
  else
    say "Training ($(basename "$config"), time budget $budget)"
    rm -f "$work"/model.*
  fi
  train_start=$(date +%s)
  "$bin/mt-train" "${train_args[@]}" "${threads_args[@]}" "${sets[@]}"
  echo "training took $(( $(date +%s) - train_start )) s" >&2
fi
[ -f "$model" ] || die "no model to evaluate" "$model"

# ---------------------------------------------------------------- evaluate
# Chinese references are scored with sacreBLEU's zh tokenizer, English ones with 13a.
bleu_args=()
[ "$tgt" = zh ] && bleu_args=(-- -tok zh)
for beam in 1 5; do
  name=$([ "$beam" = 1 ] && echo greedy || echo "beam$beam")
  say "test, $([ "$beam" = 1 ] && echo "greedy search" || echo "beam search, beam $beam")"
  "$root/scripts/evaluate.sh" --no-build -b "$beam" -o "$work/test.$name.$tgt" \
    "$model" "$corpus/test.$src" "$corpus/test.$tgt" "${bleu_args[@]}" | tee "$work/test.$name.scores"
done

log="$(ls "$work"/model*.tsv 2>/dev/null | head -1 || true)"
if [ -n "$log" ] && command -v python3 >/dev/null 2>&1; then
  python3 "$root/scripts/plot-training.py" "$log" -o "$work/training-curve.svg" \
    --title "Tatoeba $src→$tgt: training loss and validation BLEU" || true
fi

say "Done in $(( $(date +%s) - start )) s. Artefacts:"
cat >&2 <<EOF2
  corpus                    $corpus
  preprocessed data         $data  (vocabularies in $data/vocab)
  model (best val. BLEU)    $model  (last model, optimiser state and log beside it)
  training log              ${log:-none found}
  training curve            $work/training-curve.svg
  greedy translations       $work/test.greedy.$tgt   scores: $work/test.greedy.scores
  beam-5 translations       $work/test.beam5.$tgt    scores: $work/test.beam5.scores
EOF2
