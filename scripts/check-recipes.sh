#!/usr/bin/env bash
# The corpus recipes end to end on small corpora, with the debug programs of
# `swift build`: multi30k.sh on a slice of the sample corpus (en→de, with checkpoint
# averaging chosen on the validation set) and tatoeba-zh-en.sh on a slice of
# ../shared/corpora/tatoeba-zh-en when it is there (zh→en as an ensemble of two, then
# en→zh scored with -tok zh), then scripts/bleu-by-length.sh on the outputs, and that
# mt-train ran an OpenBLAS kernel with AVX2 where the CPU has it. A tiny model trains for
# a few dozen updates: this checks the steps and what
# they leave behind, not the quality.
#
#   scripts/check-recipes.sh [BIN_DIR]     (default: swift build --show-bin-path)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(swift build --show-bin-path)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-recipes: FAIL: $*" >&2; exit 1; }
tiny=(--set model.embedding_size=16 --set model.hidden_size=32 --set model.encoder_layers=1
      --set model.decoder_layers=1 --set training.max_steps=60 --set training.validation_interval=15
      --set training.workers=1 --set training.early_stopping_patience=0)

# A Multi30k-shaped corpus: train, val and test2016 files.
mkdir -p "$work/m30"
for l in en de; do
  head -n 1500 "corpora/sample/train.$l" > "$work/m30/train.$l"
  head -n 60 "corpora/sample/valid.$l" > "$work/m30/val.$l"
  head -n 60 "corpora/sample/test.$l" > "$work/m30/test2016.$l"
done
scripts/multi30k.sh --corpus "$work/m30" --src en --tgt de --work "$work/m30-run" --bin "$bin" \
  --time-budget 0 --bpe-merges 200 --average 3 --ensemble 1 --threads 1 "${tiny[@]}" > "$work/m30.log" 2>&1 ||
  { cat "$work/m30.log" >&2; fail "multi30k.sh exited with an error"; }
r="$work/m30-run"
for f in model.safetensors model.avg.safetensors average.scores test2016.greedy.de test2016.beam5.de \
         test2016.beam5-shortlist.de shortlist.safetensors; do
  [ -s "$r/$f" ] || fail "multi30k.sh left no $f"
done
# --average 3 keeps the last 3 numbered checkpoints of the validations, and averages them.
[ "$(ls "$r"/model.step-*.safetensors | wc -l)" = 3 ] || fail "expected 3 numbered checkpoints: $(ls "$r")"
grep -q '^validation BLEU, greedy: best checkpoint [0-9.]*, average of 3 [0-9.]*$' "$r/average.scores" ||
  fail "average.scores: $(cat "$r/average.scores")"
grep -q "^scoring the test set with $r/model\(\.avg\)\?\.safetensors$" "$r/average.scores" ||
  fail "average.scores names no model: $(cat "$r/average.scores")"
for name in greedy beam5 beam5-shortlist; do
  [ "$(wc -l < "$r/test2016.$name.de")" = 60 ] || fail "test2016.$name.de is not 60 lines"
  grep -q 'BLEU|' "$r/test2016.$name.scores" || fail "no BLEU in test2016.$name.scores"
done
echo "check-recipes: multi30k.sh ok ($(tail -n 1 "$r/average.scores"))"

# OpenBLAS's kernel: one with AVX2 or better wherever the CPU has AVX2 and FMA, even on a
# CPU model this OpenBLAS does not know (the programs then name the kernel themselves).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
  kernel=$(sed -n 's/^mt-train: .* OpenBLAS \([A-Za-z0-9]*\) kernel.*/\1/p' "$work/m30.log" | head -n 1)
  case "$kernel" in Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids) ;; *) fail "mt-train ran OpenBLAS's ${kernel:-unnamed} kernel on a CPU with AVX2" ;; esac
  echo "check-recipes: OpenBLAS $kernel kernel ok"
fi

# BLEU by source length: the buckets share out every sentence, and one bucket holding them
# all scores what mt-bleu gives the whole test set.
for bounds in 5,10,15 1000; do
  scripts/bleu-by-length.sh --bin "$bin" --bounds "$bounds" "$work/m30/test2016.en" "$work/m30/test2016.de" \
    greedy="$r/test2016.greedy.de" beam="$r/test2016.beam5.de" > "$work/by-length.$bounds" ||
    fail "bleu-by-length.sh --bounds $bounds exited with an error"
done
[ "$(awk -F'|' 'NR > 2 && $2 !~ /all/ { n += $3 } END { print n }' "$work/by-length.5,10,15")" = 60 ] ||
  fail "the length buckets do not hold the 60 sentences: $(cat "$work/by-length.5,10,15")"
[ "$(sed -n 3p "$work/by-length.1000" | cut -d'|' -f3-)" = "$(grep '^| all |' "$work/by-length.1000" | cut -d'|' -f3-)" ] ||
  fail "one bucket of everything differs from the whole: $(cat "$work/by-length.1000")"
whole=$("$bin/mt-bleu" "$work/m30/test2016.de" -i "$r/test2016.beam5.de" -b -q)
grep -q "^| all | 60 | [0-9.]* | $whole |$" "$work/by-length.1000" || fail "the whole test set is not scored as mt-bleu scores it: $whole"
echo "check-recipes: bleu-by-length.sh ok"

# The same steps again, as a resumed run would do them, with nothing to train.
scripts/multi30k.sh --corpus "$work/m30" --src en --tgt de --work "$r" --bin "$bin" --skip-train \
  --bpe-merges 200 --average 3 --ensemble 1 --threads 1 > "$work/m30-again.log" 2>&1 ||
  { cat "$work/m30-again.log" >&2; fail "multi30k.sh --skip-train exited with an error"; }
grep -q 'Preprocessed data is up to date' "$work/m30-again.log" || fail "--skip-train preprocessed again"
echo "check-recipes: multi30k.sh --skip-train ok"

tatoeba=../shared/corpora/tatoeba-zh-en
if [ ! -f "$tatoeba/train.zh" ]; then
  echo "check-recipes: no $tatoeba; tatoeba-zh-en.sh not checked"
  exit 0
fi
mkdir -p "$work/tat"
for l in zh en; do
  head -n 1500 "$tatoeba/train.$l" > "$work/tat/train.$l"
  for s in dev test; do head -n 60 "$tatoeba/$s.$l" > "$work/tat/$s.$l"; done
done
# zh→en as an ensemble of two, each member averaged; en→zh as one model, not averaged.
for src in zh en; do
  extra=()
  [ "$src" = zh ] && extra=(--ensemble 2 --average 2)
  scripts/tatoeba-zh-en.sh --corpus "$work/tat" --src "$src" --work "$work/tat-$src" --bin "$bin" \
    --time-budget 0 --bpe-merges 200 --threads 1 "${extra[@]}" "${tiny[@]}" > "$work/tat-$src.log" 2>&1 ||
    { cat "$work/tat-$src.log" >&2; fail "tatoeba-zh-en.sh --src $src exited with an error"; }
  tgt=$([ "$src" = zh ] && echo en || echo zh)
  for name in greedy beam5; do
    [ "$(wc -l < "$work/tat-$src/test.$name.$tgt")" = 60 ] || fail "tatoeba $src: test.$name.$tgt is not 60 lines"
    grep -q 'BLEU|' "$work/tat-$src/test.$name.scores" || fail "tatoeba $src: no BLEU in test.$name.scores"
  done
  echo "check-recipes: tatoeba-zh-en.sh --src $src ${extra[*]} ok"
done
t="$work/tat-zh"
for k in 1 2; do
  [ -s "$t/member-$k/model.avg.safetensors" ] || fail "ensemble member $k was not averaged"
  grep -q "seed $k" "$work/tat-zh.log" || fail "ensemble member $k was not trained with seed $k"
done
cmp -s "$t/member-1/model.safetensors" "$t/member-2/model.safetensors" && fail "the two members are the same model"
grep -q "test, beam5 (2 models, an ensemble: $t/member-1/model.*safetensors $t/member-2/model.*safetensors)" "$work/tat-zh.log" ||
  fail "the test set was not translated by the ensemble"
[ ! -e "$work/tat-en/model.avg.safetensors" ] || fail "tatoeba en averaged without --average"
grep -q 'tok:zh' "$work/tat-en/test.beam5.scores" || fail "en→zh not scored with -tok zh: $(cat "$work/tat-en/test.beam5.scores")"
echo "check-recipes: ok"
