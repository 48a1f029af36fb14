#!/usr/bin/env bash
# Translate a test set with a trained model and score it against its reference(s).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/evaluate.sh [options] MODEL SOURCE REFERENCE [REFERENCE ...] [-- MT-BLEU-OPTIONS ...]

Translates SOURCE (one sentence per line) with MODEL (and the --ensemble models) using the release build of
mt-translate, writes the translations to a file, and prints the BLEU and chrF
lines of mt-bleu (sacreBLEU-compatible) against the REFERENCE file(s).

Options:
  -b, --beam-size N   beam size passed to mt-translate (default: its own default)
  -s, --shortlist F   lexical shortlist passed to mt-translate (mt-preprocess shortlist)
  -e, --ensemble M    translate with the ensemble of MODEL and M (repeatable)
  -o, --output FILE   where to write the translations
                      (default: out/<SOURCE name>.<MODEL name>.hyp)
      --no-build      use the existing release binaries, do not run swift build
      --bin DIR       use mt-translate and mt-bleu from DIR (implies --no-build)
  -h, --help          show this help

Anything after "--" goes to mt-bleu, e.g. "-- -tok zh" for Chinese references,
"-- -cw 2" for chrF++ instead of chrF, "-- -f json" for JSON.

Example:
  scripts/evaluate.sh model.safetensors test.de test.en
  scripts/evaluate.sh -b 5 -o hyp.zh model.safetensors test.en test.zh -- -tok zh
USAGE
}

die() { echo "evaluate.sh: error: $1${2:+ ($2)}" >&2; exit 1; }

beam="" shortlist="" output="" build=1 bin="" positional=() bleu_args=() members=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -b|--beam-size) [ $# -ge 2 ] || die "$1 needs a value"; beam="$2"; shift 2 ;;
    -s|--shortlist) [ $# -ge 2 ] || die "$1 needs a value"; shortlist="$2"; shift 2 ;;
    -e|--ensemble) [ $# -ge 2 ] || die "$1 needs a value"; members+=("$2"); shift 2 ;;
    -o|--output) [ $# -ge 2 ] || die "$1 needs a value"; output="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --bin) [ $# -ge 2 ] || die "$1 needs a value"; bin="$2"; build=0; shift 2 ;;
    --) shift; bleu_args=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
if [ ${#positional[@]} -lt 3 ]; then usage >&2; exit 2; fi
model="${positional[0]}" source="${positional[1]}" refs=("${positional[@]:2}")
for f in "$model" "$source" "${refs[@]}" ${shortlist:+"$shortlist"} "${members[@]}"; do [ -r "$f" ] || die "cannot read file" "$f"; done
if [ -n "$beam" ] && ! [[ "$beam" =~ ^[1-9][0-9]*$ ]]; then die "beam size must be a positive integer" "$beam"; fi

cd_root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$build" = 1 ]; then
  (cd "$cd_root" && swift build -c release --product mt-translate >&2 && swift build -c release --product mt-bleu >&2)
fi
bin="${bin:-$(cd "$cd_root" && swift build -c release --show-bin-path)}"
for tool in mt-translate mt-bleu; do [ -x "$bin/$tool" ] || die "$tool is not built (run without --no-build)" "$bin"; done

if [ -z "$output" ]; then
  mkdir -p out
  output="out/$(basename "$source").$(basename "$model" | sed 's/\.[^.]*$//').hyp"
fi
mkdir -p "$(dirname "$output")"

# Translate into a temporary file beside the output, so a failure leaves nothing half-written.
tmp="$(mktemp "$output.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
translate=("$bin/mt-translate" --model "$model")
for m in "${members[@]}"; do translate+=(--model "$m"); done
[ -n "$beam" ] && translate+=(--beam-size "$beam")
[ -n "$shortlist" ] && translate+=(--shortlist "$shortlist")
start=$(date +%s)
"${translate[@]}" < "$source" > "$tmp" || die "mt-translate failed" "$source"
mv "$tmp" "$output"
trap - EXIT
echo "evaluate.sh: $(wc -l < "$output") translations in $(( $(date +%s) - start )) s written to $output" >&2

"$bin/mt-bleu" "${refs[@]}" -i "$output" -m bleu chrf "${bleu_args[@]}"
