#!/usr/bin/env bash
# Training across processes against threads, on one machine, with the Multi30k benchmark
# model of scripts/bench-train.sh (embedding 256, hidden 512, 2-layer bidirectional LSTM
# encoder, 2-layer LSTM decoder, general attention, input feeding, dropout 0.3, batches of
# 64 sentences, Adam), in one run, one after the other:
#
#   threads  1 process × 2 workers (mt-train --workers 2 --threads 2)
#   exact    2 ranks × 1 worker, 1 thread each (mpirun -np 2 mt-train --workers 1 --threads 1),
#            the gradients summed in the in-process order (the same parameters as threads),
#            over TCP on loopback (pml ob1, btl self,tcp), as the tests run
#   fast     the same with MPI_Allreduce (--gradient-sum fast)
#   fast-shm MPI_Allreduce through shared memory (btl vader, copy in and out: no ptrace)
#
# each of the three once with the sum after the backward pass (--gradient-overlap off) and
# once overlapping it (on, the default: the sum runs bucket by bucket on a communication
# thread as the backward pass makes the gradients final).
#
# Prints updates/s over the update steps of each (setup and loading left out), the ratio
# to the threads, and the share of step time rank 0 spends in the all-reduce after the
# backward pass: without overlap, waiting for the slower rank to arrive (a one-byte
# all-gather first), then summing (the transfer); with overlap, what is left of the sum
# once the backward pass is over, and the share of the sum's time hidden behind the
# backward pass. Runs under nice -n 10: on a shared machine the figures
# are ratios of runs taken minutes apart, so run it twice before trusting a few percent.
#
# Usage: scripts/bench-distributed.sh [STEPS]      (default 100)
# Environment: MULTI30K (corpus directory), BPE_MERGES (default 10000, joint).
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-100}
PROGRAM=bench-distributed
BIN=.build/release
source scripts/bench-model.sh
command -v mpirun >/dev/null || { echo "bench-distributed: no mpirun (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
export SWIFTNMT_MPI=1
swift build -c release --product mt-preprocess >/dev/null
swift build -c release --product mt-train >/dev/null
bench_data

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MODEL=(--max-steps "$STEPS" "${BENCH_MODEL[@]}")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun -np 2 --oversubscribe --bind-to none --mca pml ob1)
SHM=(--mca btl self,vader --mca btl_vader_single_copy_mechanism none)
TCP=(--mca btl self,tcp)

echo "bench-distributed: $STEPS steps, BPE $MERGES joint, $(nproc) cores, $(mpirun --version | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 10 "$BIN/mt-train" --data "$DATA" --save "$WORK/threads.safetensors" --workers 2 --threads 2 "${MODEL[@]}" \
    >"$WORK/threads.out" 2>&1
RUNS=(exact exact+overlap fast fast+overlap fast-shm fast-shm+overlap)
for run in "${RUNS[@]}"; do
    base_run=${run%+overlap}
    if [ "$base_run" = fast-shm ]; then transport=("${SHM[@]}"); else transport=("${TCP[@]}"); fi
    if [ "$run" = "$base_run" ]; then overlap=off; else overlap=on; fi
    nice -n 10 "${MPIRUN[@]}" "${transport[@]}" "$BIN/mt-train" --data "$DATA" --save "$WORK/$run.safetensors" \
        --workers 1 --threads 1 --gradient-sum "${base_run%-shm}" --gradient-overlap "$overlap" "${MODEL[@]}" \
        >"$WORK/$run.out" 2>&1
done

# "throughput: N target tokens in S s of updates: …"
# "all-reduce: C s (P%) of S s of updates: W s (Q%) waiting for the slowest rank, X s (R%) summing"
# "all-reduce: C s (P%) of S s of updates after the backward pass: A s summing in all, H s (h%) of it hidden …"
seconds() { sed -n 's/^throughput: [0-9]* target tokens in \([0-9.]*\) s of updates.*/\1/p' "$WORK/$1.out"; }
shares() { sed -n 's/^all-reduce: [0-9.]* s (\([0-9.]*\)%).* s (\([0-9.]*\)%) waiting.* s (\([0-9.]*\)%) summing.*/\1 \2 \3/p' "$WORK/$1.out"; }
hidden() { sed -n 's/^all-reduce: [0-9.]* s (\([0-9.]*\)%).* after the backward pass: .* s (\([0-9.]*\)%) of it hidden.*/\1 \2/p' "$WORK/$1.out"; }
base=$(seconds threads)
[ -n "$base" ] || { cat "$WORK/threads.out" >&2; exit 1; }
printf "%-56s %9s %10s %11s %8s %8s %7s\n" "run" "updates/s" "vs threads" "all-reduce" "waiting" "summing" "hidden"
for run in threads "${RUNS[@]}"; do
    s=$(seconds "$run")
    [ -n "$s" ] || { cat "$WORK/$run.out" >&2; exit 1; }
    case ${run%+overlap} in
        threads) label="1 process × 2 workers" ;;
        exact) label="2 ranks × 1 thread, exact sum, TCP" ;;
        fast) label="2 ranks × 1 thread, MPI_Allreduce, TCP" ;;
        fast-shm) label="2 ranks × 1 thread, MPI_Allreduce, shared memory" ;;
    esac
    total="" wait="" sum="" hid=""
    if [ "$run" != "${run%+overlap}" ]; then
        label="$label, overlapped"
        read -r total hid <<<"$(hidden "$run")" || true
    else
        read -r total wait sum <<<"$(shares "$run")" || true
    fi
    awk -v l="$label" -v n="$STEPS" -v s="$s" -v b="$base" -v t="${total:--}" -v w="${wait:--}" -v x="${sum:--}" \
        -v h="${hid:--}" 'BEGIN { printf "%-56s %9.3f %9.1f%% %10s%% %7s%% %7s%% %6s%%\n", l, n / s, 100 * b / s, t, w, x, h }'
done
grep -h "^training:" "$WORK/threads.out"
for run in "${RUNS[@]}"; do
    [ "$run" = "${run%+overlap}" ] || sed -n "s/^overlap: /$run: /p" "$WORK/$run.out"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; others' work included)"
