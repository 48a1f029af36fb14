#!/usr/bin/env bash
# The Multi30k benchmark from start to finish: find or download the corpus,
# preprocess it with joint BPE, train an ensemble of two models with
# scripts/configs/multi30k.yaml (half the time budget each), average each one's last
# checkpoints when that helps on the validation set, and score test2016 with greedy
# search and with beam search (BLEU and chrF, sacreBLEU-compatible).
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
  --bpe-merges N     BPE merge operations (default: 10000)
  --separate-bpe     learn merges per side instead of jointly
  --config FILE      mt-train configuration (default: scripts/configs/multi30k.yaml)
  --average N        keep the last N checkpoints and average them, used when the
                     average scores higher on the validation set (default: 5; 0 = off)
  --ensemble N       train N models one after the other (seeds 1..N), each for 1/N of
                     the time budget, and translate with their ensemble (default: 2;
                     1 = one model for the whole budget)
  --work DIR         work directory (default: runs/multi30k-SRC-TGT)
  --threads N        threads for training and translation (default: one per core)
  --workers N        data-parallel training workers (default: one per thread)
  --bin DIR          use the programs in DIR instead of building the release binaries
  --set key=value    override a setting of the configuration (repeatable)
  --resume           continue an interrupted training run in the work directory
  --skip-train       only evaluate the model already in the work directory
  -h, --help         show this help

Example:
  scripts/multi30k.sh                               # de -> en, one hour: two models of 30 minutes
  scripts/multi30k.sh --src en --tgt de --time-budget 2h
USAGE
}

recipe_name=multi30k.sh src=de tgt=en budget=60m merges=10000 joint=1 average=5 ensemble=2
source "$(dirname "$0")/recipe.sh"
config="$root/scripts/configs/multi30k.yaml"
recipe_parse "$@"
for l in "$src" "$tgt"; do
  case "$l" in en|de|fr|cs) ;; *) die "Multi30k has en, de, fr and cs" "$l" ;; esac
done

if ! recipe_find_corpus "train val test2016" "$root/../shared/corpora/multi30k" "$root/corpora/multi30k"; then
  say "Downloading Multi30k into corpora/multi30k"
  "$root/scripts/download-corpus.sh" multi30k "$root/corpora/multi30k"
  corpus="$root/corpora/multi30k"
  recipe_find_corpus "train val test2016"
fi
recipe_build "$root/runs/multi30k-$src-$tgt"
recipe_preprocess val
recipe_train val
recipe_score test2016 greedy -b 1
recipe_score test2016 beam5 -b 5
# The faster decoding path: a lexical shortlist from the training data.
say "Lexical shortlist"
"$bin/mt-preprocess" shortlist --data "$data" --out "$work/shortlist.safetensors"
recipe_score test2016 beam5-shortlist -b 5 -s "$work/shortlist.safetensors"
recipe_plot "Multi30k $src→$tgt: training loss and validation BLEU"

say "Done in $(( $(date +%s) - start )) s. Artefacts:"
cat >&2 <<EOF
  corpus                    $corpus
  preprocessed data         $data  (vocabularies in $data/vocab)
  model (best val. BLEU)    $model  (last model, optimiser state and log beside it)
  models scored             ${finals[*]}
  training log              ${log:-none found}
  training curve            $work/training-curve.svg
  greedy translations       $work/test2016.greedy.$tgt   scores: $work/test2016.greedy.scores
  beam-5 translations       $work/test2016.beam5.$tgt    scores: $work/test2016.beam5.scores
  lexical shortlist         $work/shortlist.safetensors
  beam 5 with the shortlist $work/test2016.beam5-shortlist.$tgt    scores: $work/test2016.beam5-shortlist.scores
EOF
