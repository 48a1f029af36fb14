#!/usr/bin/env bash
# The Tatoeba Chinese–English recipe from start to finish: preprocess
# ../shared/corpora/tatoeba-zh-en (ICU word segmentation of the Chinese side is the
# tokenizer's own; BPE learned per side, or jointly), train with
# scripts/configs/tatoeba.yaml within a time budget, optionally average the last
# checkpoints when that helps on the dev set, and score the test set with
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
  --tgt LANG         target language (default: the other one)
  --time-budget T    stop training after T (seconds, or 90m, 2h, 1h30m; default: 30m;
                     0 = train until the config's epochs or early stopping)
  --bpe-merges N     BPE merge operations, per side (default: 3000)
  --joint-bpe        learn one set of merges over both sides instead
  --separate-bpe     learn merges per side (the default)
  --config FILE      mt-train configuration (default: scripts/configs/tatoeba.yaml)
  --average N        keep the last N checkpoints and average them, used when the
                     average scores higher on the dev set (default: 0 = off)
  --ensemble N       train N models one after the other (seeds 1..N), each for 1/N of
                     the time budget, and translate with their ensemble (default: 1)
  --work DIR         work directory (default: runs/tatoeba-SRC-TGT)
  --threads N        threads for training and translation (default: one per core)
  --workers N        data-parallel training workers (default: one per thread)
  --bin DIR          use the programs in DIR instead of building the release binaries
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

recipe_name=tatoeba-zh-en.sh src=zh tgt="" budget=30m merges=3000 joint=0 average=0 ensemble=1
source "$(dirname "$0")/recipe.sh"
config="$root/scripts/configs/tatoeba.yaml"
recipe_parse "$@"
case "$src" in
  zh) tgt="${tgt:-en}" ;;
  en) tgt="${tgt:-zh}" ;;
  *) die "the corpus has zh and en" "$src" ;;
esac
case "$src-$tgt" in zh-en|en-zh) ;; *) die "the corpus has zh and en" "$src -> $tgt" ;; esac

recipe_find_corpus "train dev test" "$root/../shared/corpora/tatoeba-zh-en" "$root/corpora/tatoeba-zh-en" ||
  die "no corpus found; give its directory with --corpus"
recipe_build "$root/runs/tatoeba-$src-$tgt"
recipe_preprocess dev
# Chinese references are scored with sacreBLEU's zh tokenizer, English ones with 13a.
bleu_args=()
[ "$tgt" = zh ] && bleu_args=(-tok zh)
recipe_train dev "${bleu_args[@]}"
recipe_score test greedy -b 1 -- "${bleu_args[@]}"
recipe_score test beam5 -b 5 -- "${bleu_args[@]}"
recipe_plot "Tatoeba $src→$tgt: training loss and validation BLEU"

say "Done in $(( $(date +%s) - start )) s. Artefacts:"
cat >&2 <<EOF
  corpus                    $corpus
  preprocessed data         $data  (vocabularies in $data/vocab)
  model (best val. BLEU)    $model  (last model, optimiser state and log beside it)
  models scored             ${finals[*]}
  training log              ${log:-none found}
  training curve            $work/training-curve.svg
  greedy translations       $work/test.greedy.$tgt   scores: $work/test.greedy.scores
  beam-5 translations       $work/test.beam5.$tgt    scores: $work/test.beam5.scores
EOF
