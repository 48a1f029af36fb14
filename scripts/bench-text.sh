#!/usr/bin/env bash
# Translation of text against translation of sentences: a test set regrouped N sentences a
# line (scripts/join-sentences.sh), translated with sentence splitting (the default) and
# without (--no-split), beside the same sentences translated one a line and joined the same
# way; BLEU and chrF of each against the reference regrouped alike, for greedy and beam 5.
#   scripts/bench-text.sh [--bin DIR] [--sep S] [--tok TOK] MODEL SOURCE REFERENCE [N]
# --sep joins source sentences (default a space; "" for Chinese), --tok is mt-bleu's
# tokenizer for the target (default 13a). Files go to a temporary directory, named at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
die() { echo "bench-text.sh: error: $1" >&2; exit 1; }
bin="" sep=" " tok=13a
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --sep) sep="$2"; shift 2 ;;
    --tok) tok="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 3 ] && [ $# -le 4 ] || die "usage: scripts/bench-text.sh [--bin DIR] [--sep S] [--tok TOK] MODEL SOURCE REFERENCE [N]"
model="$1" source="$2" reference="$3" n="${4:-3}"
[ -n "$bin" ] || bin="$(cd "$root" && swift build -c release --show-bin-path)"
target_sep=" "
[ "$tok" = zh ] && target_sep=""
work="$(mktemp -d)"
"$root/scripts/join-sentences.sh" "$n" "$source" "$sep" > "$work/source.joined"
"$root/scripts/join-sentences.sh" "$n" "$reference" "$target_sep" > "$work/reference.joined"
echo "$(wc -l < "$source") sentences, $(wc -l < "$work/source.joined") lines of $n; model $model"
for beam in 1 5; do
  "$bin/mt-translate" --model "$model" --beam-size "$beam" --no-split < "$source" > "$work/sentences.$beam"
  "$root/scripts/join-sentences.sh" "$n" "$work/sentences.$beam" "$target_sep" > "$work/sentences.joined.$beam"
  "$bin/mt-translate" --model "$model" --beam-size "$beam" < "$work/source.joined" > "$work/split.$beam"
  "$bin/mt-translate" --model "$model" --beam-size "$beam" --no-split < "$work/source.joined" > "$work/nosplit.$beam"
  for run in sentences.joined split nosplit; do
    printf 'beam %s %-17s ' "$beam" "$run"
    "$bin/mt-bleu" "$work/reference.joined" -i "$work/$run.$beam" -m bleu chrf -tok "$tok" -b | tr '\n' ' '
    echo
  done
done
echo "files: $work"
