#!/usr/bin/env bash
# Decoding speed on Multi30k test2016 (1000 sentences): beam 5 and greedy search with a
# trained model, sentences/s and generated tokens/s once the model is loaded (what the
# reference times), the whole process's time too, and cased BLEU; with a second argument, the
# PyTorch reference's own decoding of the same file right after, from a model.pt it saved
# (scripts/reference-decode.py), so the ratio comes from one run on one machine. Each of our
# runs also gives its GFLOP/s of model arithmetic (mt-translate --verbose) as a share of the
# host's GEMM peak on all its threads (`mt-bench peak`); each search runs again with --int8,
# set against the int8 peak of our int8 kernel (`mt-bench peak --int8`), and again with
# --no-split, so that the cost of splitting lines into sentences shows beside it.
#
# Usage: scripts/bench-translate.sh MODEL.safetensors [REFERENCE_MODEL.pt]
# Environment: MULTI30K (corpus directory), SRC/TGT (default de/en), THREADS (mt-translate
# --threads; default one per core), SHORTLIST (a shortlist file: each search also runs
# with --shortlist), REFERENCE_PYTHON (a python with torch and sacrebleu; default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 2,10p "$0" >&2; exit 2; }
MODEL=$1
REFERENCE_MODEL=${2:-}
SRC=${SRC:-de}
TGT=${TGT:-en}
CORPUS=${MULTI30K:-}
if [ -z "$CORPUS" ]; then
    for c in ../shared/corpora/multi30k ../../shared/corpora/multi30k corpora/multi30k; do
        if [ -f "$c/test2016.$SRC" ]; then CORPUS=$c; break; fi
    done
fi
[ -n "$CORPUS" ] || { echo "bench-translate: no Multi30k corpus; set MULTI30K" >&2; exit 1; }
[ -f "$MODEL" ] || { echo "bench-translate: no such model ($MODEL)" >&2; exit 1; }
swift build -c release --product mt-translate >/dev/null
swift build -c release --product mt-bleu >/dev/null
swift build -c release --product mt-bench >/dev/null
BIN=.build/release
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
THREAD_ARGS=()
[ -n "${THREADS:-}" ] && THREAD_ARGS=(--threads "$THREADS")

PEAK=$("$BIN/mt-bench" peak --threads "${THREADS:-$(nproc)}" --quiet)
echo "bench-translate: GEMM peak of this host $PEAK GFLOP/s (2048^3 on ${THREADS:-$(nproc)} threads, the faster of sgemm and the packed kernel)"
echo "bench-translate: $(wc -l < "$CORPUS/test2016.$SRC") sentences of $CORPUS/test2016.$SRC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
INT8_PEAK=$("$BIN/mt-bench" peak --int8 --threads "${THREADS:-$(nproc)}" --quiet)
echo "bench-translate: int8 peak of this host $INT8_PEAK GOP/s (2048^3 per thread, our int8 kernel, ${THREADS:-$(nproc)} threads)"
VARIANTS=("" "--no-split" "--int8")
[ -n "${SHORTLIST:-}" ] && VARIANTS+=("--shortlist $SHORTLIST" "--int8 --shortlist $SHORTLIST")
for beam in 5 1; do
    for variant in "${VARIANTS[@]}"; do
        TIMEFORMAT="%R %U %S"
        # shellcheck disable=SC2086  # the variant is one option and its value
        { time "$BIN/mt-translate" --model "$MODEL" --beam-size "$beam" "${THREAD_ARGS[@]}" $variant --verbose \
            < "$CORPUS/test2016.$SRC" > "$WORK/out" 2> "$WORK/report" ; } 2> "$WORK/time"
        read -r REAL USER_S SYS_S < <(tail -n 1 "$WORK/time")
        # --verbose: "... N target tokens (with </s>) in T s: ..." timed after the model is loaded,
        # as the reference times its own translate() call.
        read -r TOKENS SEARCH < <(sed -n 's/.*lines, \([0-9]*\) target tokens (with <\/s>) in \([0-9.]*\) s:.*/\1 \2/p' "$WORK/report")
        WORKED=$(sed -n 's/.* \([0-9.]*\) GFLOP\/s of model arithmetic.*/\1/p' "$WORK/report")
        LINES=$(wc -l < "$WORK/out")
        BLEU=$("$BIN/mt-bleu" "$CORPUS/test2016.$TGT" -i "$WORK/out" -b)
        LABEL=""
        case "$variant" in *--int8*) LABEL+=" int8";; esac
        case "$variant" in *--shortlist*) LABEL+=" (shortlist)";; esac
        case "$variant" in *--no-split*) LABEL+=" --no-split";; esac
        # int8 runs are set against the int8 peak, float ones against the sgemm peak.
        RUN_PEAK=$PEAK
        case "$variant" in *--int8*) RUN_PEAK=$INT8_PEAK;; esac
        awk -v b="$beam" -v v="$LABEL" -v r="$REAL" -v u="$USER_S" -v s="$SYS_S" -v n="$LINES" \
            -v tok="$TOKENS" -v t="$SEARCH" -v bleu="$BLEU" -v w="$WORKED" -v p="$RUN_PEAK" 'BEGIN {
            printf "ours %s%s: %d sentences in %.2f s after loading = %.1f sentences/s, %.0f generated target tokens/s (incl. </s>); whole process %.2f s = %.1f sentences/s, CPU %.1f s; BLEU %s; %.1f GFLOP/s of model arithmetic = %.0f%% of the %s peak\n",
                (b == 1 ? "greedy" : "beam" b), v, n, t, n / t, tok / t, r, n / r, u + s, bleu, w, 100 * w / p, (v ~ /int8/ ? "int8" : "GEMM") }'
        # Splitting's share: the default run's time after loading against --no-split's.
        case "$variant" in
            "") SPLIT_SEARCH=$SEARCH ;;
            --no-split) awk -v a="$SPLIT_SEARCH" -v b="$SEARCH" -v m="$(( beam == 1 ? 1 : beam ))" 'BEGIN {
                printf "ours %s: splitting into sentences costs %+.1f%% of the time after loading (%.2f s against %.2f s with --no-split)\n",
                    (m == 1 ? "greedy" : "beam" m), 100 * (a - b) / b, a, b }' ;;
        esac
    done
done
if [ -n "$REFERENCE_MODEL" ]; then
    "${REFERENCE_PYTHON:-python3}" scripts/reference-decode.py "$REFERENCE_MODEL" --data "$CORPUS" \
        --src "$SRC" --tgt "$TGT" --threads "$(nproc)"
fi
