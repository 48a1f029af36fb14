#!/usr/bin/env bash
# BLEU by source-sentence length: split a test set into buckets by the number of words
# of each source sentence and score every system's translations on each bucket with
# mt-bleu (sacreBLEU-compatible), as compare-mt does. Prints a Markdown table.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bleu-by-length.sh [options] SOURCE REFERENCE [LABEL=]HYPOTHESES ... [-- MT-BLEU-OPTIONS ...]

SOURCE, REFERENCE and each HYPOTHESES file have one sentence per line, line for line.
A source sentence's length is its number of whitespace-separated words. Each
HYPOTHESES file is one column of the table, headed by LABEL or else its file name.

Options:
  --bounds A,B,...  inclusive upper bounds of the buckets in words, increasing
                    (default: 10,15,20,25); one more bucket takes the longer sentences
  --bin DIR         use mt-bleu from DIR (default: the release build)
  -h, --help        show this help

Anything after "--" goes to mt-bleu, e.g. "-- -tok zh".

Example:
  scripts/bleu-by-length.sh test2016.de test2016.en rnn=rnn.en gru=gru.en lstm=lstm.en
USAGE
}

die() { echo "bleu-by-length.sh: error: $1${2:+ ($2)}" >&2; exit 1; }

bounds=10,15,20,25 bin="" positional=() bleu_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --bounds) [ $# -ge 2 ] || die "$1 needs a value"; bounds="$2"; shift 2 ;;
    --bin) [ $# -ge 2 ] || die "$1 needs a value"; bin="$2"; shift 2 ;;
    --) shift; bleu_args=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
if [ ${#positional[@]} -lt 3 ]; then usage >&2; exit 2; fi
source="${positional[0]}" ref="${positional[1]}" systems=("${positional[@]:2}")
[[ "$bounds" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--bounds takes increasing positive integers, comma-separated" "$bounds"
IFS=, read -r -a upper <<< "$bounds"
for ((i = 1; i < ${#upper[@]}; i++)); do
  [ "${upper[i]}" -gt "${upper[i-1]}" ] || die "--bounds must increase" "$bounds"
done

if [ -z "$bin" ]; then
  root="$(cd "$(dirname "$0")/.." && pwd)"
  bin="$(cd "$root" && swift build -c release --show-bin-path)"
fi
[ -x "$bin/mt-bleu" ] || die "mt-bleu is not built (swift build -c release --product mt-bleu)" "$bin"

lines() { awk 'END { print NR }' "$1"; }
[ -r "$source" ] || die "cannot read file" "$source"
[ -r "$ref" ] || die "cannot read file" "$ref"
n=$(lines "$source")
[ "$(lines "$ref")" = "$n" ] || die "the reference has $(lines "$ref") lines, the source $n" "$ref"
labels=() files=()
for s in "${systems[@]}"; do
  if [[ "$s" == *=* ]]; then labels+=("${s%%=*}"); files+=("${s#*=}"); else labels+=("$(basename "$s")"); files+=("$s"); fi
  f="${files[-1]}"
  [ -r "$f" ] || die "cannot read file" "$f"
  [ "$(lines "$f")" = "$n" ] || die "$(lines "$f") translations for $n source sentences" "$f"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Bucket k of each line: the first bound its word count does not exceed, or one past the last.
awk -v bounds="$bounds" 'BEGIN { nb = split(bounds, b, ",") }
  { k = nb + 1; for (i = 1; i <= nb; i++) if (NF <= b[i]) { k = i; break }; print k }' "$source" > "$work/bucket"

# Lines of FILE whose bucket is K.
select_lines() { awk -v k="$1" 'NR == FNR { b[FNR] = $1; next } b[FNR] == k' "$work/bucket" "$2"; }

header="| source words | sentences |" rule="|---|---|"
for l in "${labels[@]}"; do header+=" $l |"; rule+="---|"; done
echo "$header"
echo "$rule"
nb=${#upper[@]}
for ((k = 1; k <= nb + 1; k++)) ; do
  lo=$(( k == 1 ? 1 : upper[k-2] + 1 ))
  if [ "$k" -le "$nb" ]; then name="$lo–${upper[k-1]}"; else name="$lo+"; fi
  rows=$(awk -v k="$k" '$1 == k' "$work/bucket" | wc -l)
  row="| $name | $rows |"
  if [ "$rows" = 0 ]; then
    for f in "${files[@]}"; do row+=" – |"; done
    echo "$row"
    continue
  fi
  select_lines "$k" "$ref" > "$work/ref"
  for f in "${files[@]}"; do
    select_lines "$k" "$f" > "$work/hyp"
    row+=" $("$bin/mt-bleu" "$work/ref" -i "$work/hyp" -b -q "${bleu_args[@]}") |"
  done
  echo "$row"
done
row="| all | $n |"
for f in "${files[@]}"; do row+=" $("$bin/mt-bleu" "$ref" -i "$f" -b -q "${bleu_args[@]}") |"; done
echo "$row"
