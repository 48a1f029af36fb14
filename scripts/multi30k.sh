#!/usr/bin/env bash
# The Multi30k benchmark from start to finish: find or download the corpus,
# preprocess it with joint BPE, train with scripts/configs/multi30k.yaml, and score
# test2016 with greedy search and with beam search (BLEU and chrF, sacreBLEU-compatible).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/multi30k.sh [options] [--set key=value ...]

Options:
  --corpus DIR       Multi30k task 1 as plain text (train.LANG, val.LANG, test2016.LANG).
                     Default: ../shared/corpora/multi30k beside the repository, else
                     corpora/multi30k, else it is downloaded there with
                     scripts/download-corpus.sh multi30k.
  --src LANG         source language: de, en, fr or cs (default: de)
  --tgt LANG         target language (default: en)
  --time-budget T    stop training after T (seconds, or 90m, 2h, 1h30m; default: 60m;
                     0 = train until the config's epochs or early stopping)
  --bpe-merges N     joint BPE merge operations (default: 10000)
  --work DIR         work directory (default: runs/multi30k-SRC-TGT)
  --threads N        threads for training and translation (default: one per core)
  --set key=value    override a setting of scripts/configs/multi30k.yaml (repeatable)
  --resume           continue an interrupted training run in the work directory
  --skip-train       only evaluate the model already in the work directory
  -h, --help         show this help

Example:
  scripts/multi30k.sh                               # de -> en, one hour of training
  scripts/multi30k.sh --src en --tgt de --time-budget 2h
USAGE
}

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "multi30k.sh: error: $1${2:+ ($2)}" >&2; exit 1; }

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="" src=de tgt=en budget=60m merges=10000 work="" threads="" resume=0 train=1 sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --corpus) [ $# -ge 2 ] || die "$1 needs a value"; corpus="$2"; shift 2 ;;
    --src) [ $# -ge 2 ] || die "$1 needs a value"; src="$2"; shift 2 ;;
    --tgt) [ $# -ge 2 ] || die "$1 needs a value"; tgt="$2"; shift 2 ;;
    --time-budget) [ $# -ge 2 ] || die "$1 needs a value"; budget="$2"; shift 2 ;;
    --bpe-merges) [ $# -ge 2 ] || die "$1 needs a value"; merges="$2"; shift 2 ;;
    --work) [ $# -ge 2 ] || die "$1 needs a value"; work="$2"; shift 2 ;;
    --threads) [ $# -ge 2 ] || die "$1 needs a value"; threads="$2"; shift 2 ;;
    --set) [ $# -ge 2 ] || die "$1 needs a value"; sets+=(--set "$2"); shift 2 ;;
    --resume) resume=1; shift ;;
    --skip-train) train=0; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
for l in "$src" "$tgt"; do
  case "$l" in en|de|fr|cs) ;; *) die "Multi30k has en, de, fr and cs" "$l" ;; esac
done
[ "$src" != "$tgt" ] || die "source and target language are the same" "$src"
[[ "$merges" =~ ^[0-9]+$ ]] || die "--bpe-merges must be a number" "$merges"
start=$(date +%s)

# ---------------------------------------------------------------- corpus
if [ -z "$corpus" ]; then
  for d in "$root/../shared/corpora/multi30k" "$root/corpora/multi30k"; do
    if [ -f "$d/train.$src" ] && [ -f "$d/train.$tgt" ]; then corpus="$d"; break; fi
  done
fi
if [ -z "$corpus" ]; then
  say "Downloading Multi30k into corpora/multi30k"
  "$root/scripts/download-corpus.sh" multi30k "$root/corpora/multi30k"
  corpus="$root/corpora/multi30k"
fi
corpus="$(cd "$corpus" && pwd)" || die "no such directory" "$corpus"
for split in train val test2016; do
  for l in "$src" "$tgt"; do
    [ -r "$corpus/$split.$l" ] || die "missing corpus file" "$corpus/$split.$l"
  done
done
echo "corpus: $corpus ($(wc -l < "$corpus/train.$src") training pairs, $src -> $tgt)" >&2

work="${work:-$root/runs/multi30k-$src-$tgt}"
mkdir -p "$work" || die "cannot create the work directory" "$work"
work="$(cd "$work" && pwd)"
cd "$root"

# ---------------------------------------------------------------- build
say "Building the release binaries"
swift build -c release >&2 || die "swift build failed (see the messages above)"
bin="$(swift build -c release --show-bin-path)"

# ---------------------------------------------------------------- preprocess
data="$work/data"
if [ -f "$data/.done" ] && [ "$(cat "$data/.done")" = "$corpus $src $tgt $merges" ]; then
  say "Preprocessed data is up to date ($data)"
else
  say "Preprocessing: joint BPE with $merges merges"
  rm -rf "$data"
  "$bin/mt-preprocess" prepare \
    --train-src "$corpus/train.$src" --train-tgt "$corpus/train.$tgt" \
    --valid-src "$corpus/val.$src" --valid-tgt "$corpus/val.$tgt" \
    --out "$data" --vocab-dir "$data/vocab" \
    --src-lang "$src" --tgt-lang "$tgt" --bpe-merges "$merges" --joint-bpe
  echo "$corpus $src $tgt $merges" > "$data/.done"
fi

# ---------------------------------------------------------------- train
model="$work/model.safetensors"
threads_args=()
[ -n "$threads" ] && threads_args=(--threads "$threads")
if [ "$train" = 1 ]; then
  train_args=(--data "$data" --save "$model"
              --config "$root/scripts/configs/multi30k.yaml" --time-budget "$budget")
  if [ "$resume" = 1 ]; then
    say "Resuming training (time budget $budget)"
    train_args+=(--resume)
  else
    say "Training (scripts/configs/multi30k.yaml, time budget $budget)"
    rm -f "$work"/model.*
  fi
  train_start=$(date +%s)
  "$bin/mt-train" "${train_args[@]}" "${threads_args[@]}" "${sets[@]}"
  echo "training took $(( $(date +%s) - train_start )) s" >&2
fi
[ -f "$model" ] || die "no model to evaluate" "$model"

# ---------------------------------------------------------------- evaluate
for beam in 1 5; do
  name=$([ "$beam" = 1 ] && echo greedy || echo "beam$beam")
  say "test2016, $([ "$beam" = 1 ] && echo "greedy search" || echo "beam search, beam $beam")"
  "$root/scripts/evaluate.sh" --no-build -b "$beam" -o "$work/test2016.$name.$tgt" \
    "$model" "$corpus/test2016.$src" "$corpus/test2016.$tgt" | tee "$work/test2016.$name.scores"
done
# The faster decoding path: a lexical shortlist from the training data.
say "test2016, beam search, beam 5, with a lexical shortlist"
"$bin/mt-preprocess" shortlist --data "$data" --out "$work/shortlist.safetensors"
"$root/scripts/evaluate.sh" --no-build -b 5 -s "$work/shortlist.safetensors" -o "$work/test2016.beam5-shortlist.$tgt" \
  "$model" "$corpus/test2016.$src" "$corpus/test2016.$tgt" | tee "$work/test2016.beam5-shortlist.scores"

log="$(ls "$work"/model*.tsv 2>/dev/null | head -1 || true)"
if [ -n "$log" ] && command -v python3 >/dev/null 2>&1; then
  python3 "$root/scripts/plot-training.py" "$log" -o "$work/training-curve.svg" \
    --title "Multi30k $src→$tgt: training loss and validation BLEU" || true
fi

say "Done in $(( $(date +%s) - start )) s. Artefacts:"
cat >&2 <<EOF
  corpus                    $corpus
  preprocessed data         $data  (vocabularies in $data/vocab)
  model (best val. BLEU)    $model  (last model, optimiser state and log beside it)
  training log              ${log:-none found}
  training curve            $work/training-curve.svg
  greedy translations       $work/test2016.greedy.$tgt   scores: $work/test2016.greedy.scores
  beam-5 translations       $work/test2016.beam5.$tgt    scores: $work/test2016.beam5.scores
  lexical shortlist         $work/shortlist.safetensors
  beam 5 with the shortlist $work/test2016.beam5-shortlist.$tgt    scores: $work/test2016.beam5-shortlist.scores
EOF
