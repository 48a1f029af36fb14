#!/usr/bin/env bash
# Training speed on Multi30k de→en with the benchmark model (scripts/bench-model.sh), Adam.
#
# Prints target tokens/s (and source+target) over the update steps, peak memory (VmHWM
# of mt-train at the end) and the share of CPU samples in OpenBLAS sgemm (perf record
# over the whole run, all threads; symbols containing "sgemm": kernels, packing copies
# and beta scaling). Without perf, the share is left out.
#
# Also prints the process CPU time (user + system) per update step, which tells work from
# waiting when the machine is shared, and the distance to the limit: mt-train's GFLOP/s of
# model arithmetic (matrix products and attention over real tokens, counted from the model's
# shape) against the host's GEMM peak at the same thread count (`mt-bench peak`).
#
# OpenBLAS picks its kernel from the CPU unless OPENBLAS_CORETYPE forces one; mt-train's
# first line names the kernel in use.
#
# Usage: scripts/bench-train.sh [STEPS] [THREADS] [WORKERS]      (defaults 200, 2 and 1)
# THREADS are shared out among the WORKERS: each data-parallel worker calls BLAS with
# max(1, THREADS / WORKERS) threads.
# Environment: MULTI30K (corpus directory), BPE_MERGES (default 10000, joint).
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-200}
THREADS=${2:-2}
WORKERS=${3:-1}
PROGRAM=bench-train
BIN=.build/release
source scripts/bench-model.sh
swift build -c release --product mt-preprocess >/dev/null
swift build -c release --product mt-train >/dev/null
swift build -c release --product mt-bench >/dev/null
bench_data

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ARGS=(--data "$DATA" --save "$WORK/bench.safetensors" --max-steps "$STEPS" --threads "$THREADS" --workers "$WORKERS"
    "${BENCH_MODEL[@]}")

BLAS=$(( THREADS / WORKERS )); [ "$BLAS" -ge 1 ] || BLAS=1
echo "bench-train: $STEPS steps, $WORKERS workers, $BLAS BLAS threads each ($THREADS threads), BPE $MERGES joint, $(nproc) cores"
# CPU seconds of the training process (user + system), from bash's time keyword.
TIMEFORMAT="%U %S %R"
if command -v perf >/dev/null && perf record -q -o "$WORK/probe.data" -- true 2>/dev/null; then
    { time perf record -q -F 499 -o "$WORK/perf.data" -- "$BIN/mt-train" "${ARGS[@]}" 2>&1 | grep -v "^epoch " | tee "$WORK/out" ; } 2> "$WORK/time"
    SHARE=$(perf report -i "$WORK/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
        awk '/^ +[0-9.]+%/ { total += $1; if ($0 ~ /sgemm/) s += $1 } END { if (total > 0) printf "%.1f", 100 * s / total }')
    echo "sgemm share of CPU samples: ${SHARE}% (perf record, all threads)"
else
    { time "$BIN/mt-train" "${ARGS[@]}" 2>&1 | grep -v "^epoch " | tee "$WORK/out" ; } 2> "$WORK/time"
    echo "sgemm share: perf not available"
fi
read -r USER_S SYS_S REAL_S < <(tail -n 1 "$WORK/time")
awk -v u="$USER_S" -v s="$SYS_S" -v r="$REAL_S" -v n="$STEPS" 'BEGIN {
    printf "process CPU time: %.1f s user + %.1f s system in %.1f s wall (whole run, setup included): %.3f CPU s per step\n", u, s, r, (u + s) / n }'
PEAK=$("$BIN/mt-bench" peak --threads "$THREADS" --quiet)
WORKED=$(sed -n 's/.* \([0-9.]*\) GFLOP\/s of model arithmetic.*/\1/p' "$WORK/out")
awk -v w="$WORKED" -v p="$PEAK" -v t="$THREADS" 'BEGIN {
    printf "distance to the limit: %.1f GFLOP/s of model arithmetic = %.0f%% of this host'"'"'s GEMM peak (%.1f GFLOP/s, 2048^3 on %d threads, the faster of sgemm and the packed kernel)\n", w, 100 * w / p, p, t }'
