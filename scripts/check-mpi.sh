#!/usr/bin/env bash
# Training across MPI processes, end to end, with the debug mt-train of `swift build`
# (built with SWIFTNMT_MPI=1) and OpenMPI's mpirun, on a tiny model:
#
#   exact        mpirun -np 2 … --workers 1 ends with the parameters, optimiser state and
#                log of mt-train --workers 2, bit for bit; 2 ranks × 2 workers those of
#                --workers 4; the fast sum (MPI_Allreduce) of 2 ranks of one worker too
#                (a sum of two is the same in either order); all with the sum overlapping the
#                backward pass (the default), and the exact ones with --gradient-overlap off
#   fast 2×2     2 ranks × 2 workers with MPI_Allreduce: the ranks' parameters agree at every
#                update, and the overlapped run ends as the one without overlap, bit for bit
#   kill         SIGKILL to rank 1 mid-run stops the job with an error within 30 s; the last
#                checkpoint is intact; --resume with 2 ranks, and with 1 process of 2 workers,
#                ends as the uninterrupted run does
#   mismatch     ranks started with a different seed, or different data, stop at the start
#                with one clear error
#   two-hosts    two hosts made as network namespaces joined by a veth pair (addresses
#                only inside them), mpirun across them over TCP with a hostfile and a remote
#                shell that enters the namespace: the same parameters as --workers 2
#                (skipped with a message where namespaces cannot be made)
#
# Skips itself (exit 0) when mpirun is missing or mt-train was built without MPI support.
# Every run is bounded by `timeout`. Prints one ok/FAIL line per check.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mpirun >/dev/null; then
    echo "check-mpi: skipped: no mpirun (apt-get install openmpi-bin libopenmpi-dev)"
    exit 0
fi
BIN=$(swift build --show-bin-path)
TRAIN=$BIN/mt-train
PREPROCESS=$BIN/mt-preprocess
[ -x "$TRAIN" ] && [ -x "$PREPROCESS" ] || { echo "check-mpi: error: build first (swift build)" >&2; exit 1; }
if ! ldd "$TRAIN" | grep libmpi >/dev/null; then
    echo "check-mpi: skipped: $TRAIN was built without MPI support (build with SWIFTNMT_MPI=1)"
    exit 0
fi

# mpirun refuses root without these; shared-memory single copy needs ptrace, which
# containers often deny, so messages go over TCP (loopback, or the namespaces' veth).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe --mca pml ob1 --mca btl self,tcp)

WORK=$(mktemp -d)
NETNS=()
cleanup() {
    for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; [ -z "${2:-}" ] || sed 's/^/      /' "$2" | tail -20; failed=$((failed + 1)); }

# Tensors of two safetensors files identical (metadata, with its timings, left out)?
same_tensors() {
    python3 - "$1" "$2" <<'EOF'
import json, struct, sys
def tensors(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n]); h.pop('__metadata__', None)
    return {k: b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]] for k, v in h.items()}
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
sys.exit(0 if a and a == b else 1)
EOF
}
# The step of a resume state.
resume_step() {
    python3 - "$1" <<'EOF'
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
print(json.loads(json.loads(b[8:8 + n])['__metadata__']['training_state'])['step'])
EOF
}
# The log without its timing columns (tokens/s, elapsed).
log_figures() { awk -F'\t' '{ $6 = ""; $8 = ""; print }' "$1"; }

# Data: 300 pairs of the sample corpus, 40 for validation; a second set one pair short.
head -n 300 corpora/sample/train.de >"$WORK/tr.de"
head -n 300 corpora/sample/train.en >"$WORK/tr.en"
head -n 40 corpora/sample/valid.de >"$WORK/va.de"
head -n 40 corpora/sample/valid.en >"$WORK/va.en"
"$PREPROCESS" --train-src "$WORK/tr.de" --train-tgt "$WORK/tr.en" --valid-src "$WORK/va.de" --valid-tgt "$WORK/va.en" \
    --out "$WORK/data" --vocab-dir "$WORK/data/vocab" --bpe-merges 200 --joint-bpe 2>/dev/null
head -n 299 "$WORK/tr.de" >"$WORK/tr2.de"
head -n 299 "$WORK/tr.en" >"$WORK/tr2.en"
"$PREPROCESS" --train-src "$WORK/tr2.de" --train-tgt "$WORK/tr2.en" --valid-src "$WORK/va.de" --valid-tgt "$WORK/va.en" \
    --out "$WORK/data2" --vocab-dir "$WORK/data2/vocab" --bpe-merges 200 --joint-bpe 2>/dev/null

TINY=(--set model.embedding_size=16 --set model.hidden_size=32 --set model.encoder_layers=1
    --set model.decoder_layers=1 --set model.dropout=0.2 --set training.max_grad_norm=1
    --set training.early_stopping_patience=0
    --batch-tokens 400 --threads 1 --log-interval 5 --valid-interval 6 --epochs 0)
train_args() { echo --data "$WORK/data" --save "$WORK/$1.safetensors" "${TINY[@]}"; }

# Two runs end alike: best and last model, resume state, log figures.
same_run() {
    same_tensors "$WORK/$1.safetensors" "$WORK/$2.safetensors" &&
        same_tensors "$WORK/$1.last.safetensors" "$WORK/$2.last.safetensors" &&
        same_tensors "$WORK/$1.last.optimizer.safetensors" "$WORK/$2.last.optimizer.safetensors" &&
        [ "$(log_figures "$WORK/$1.log.tsv")" = "$(log_figures "$WORK/$2.log.tsv")" ]
}

# --- exact
start=$SECONDS
for case in "2 1 exact on" "2 2 exact on" "2 1 fast on" "2 1 exact off" "2 2 exact off"; do
    read -r ranks workers sum overlap <<<"$case"
    name="r${ranks}w${workers}$sum$overlap" ref="p$((ranks * workers))"
    if [ ! -f "$WORK/$ref.safetensors" ]; then
        timeout 120 "$TRAIN" $(train_args "$ref") --max-steps 14 --workers $((ranks * workers)) >"$WORK/$ref.out" 2>&1 ||
            { fail "exact: mt-train --workers $((ranks * workers))" "$WORK/$ref.out"; continue; }
    fi
    what="$ranks ranks × $workers workers ($sum sum, overlap $overlap)"
    if ! timeout 120 "${MPIRUN[@]}" -np "$ranks" "$TRAIN" $(train_args "$name") --max-steps 14 --workers "$workers" \
        --gradient-sum "$sum" --gradient-overlap "$overlap" >"$WORK/$name.out" 2>&1; then
        fail "exact: mpirun -np $ranks --workers $workers --gradient-sum $sum --gradient-overlap $overlap" "$WORK/$name.out"
    elif ! same_run "$name" "$ref"; then
        fail "exact: $what differ from --workers $((ranks * workers))" "$WORK/$name.out"
    elif [ "$(grep -c '^validation at step' "$WORK/$name.out")" != 3 ] || grep -q "parameters diverged" "$WORK/$name.out"; then
        fail "exact: the log of rank 0 is not that of one process" "$WORK/$name.out"
    elif [ "$overlap" = on ] && ! grep -q "gradient sum overlapping the backward pass" "$WORK/$name.out"; then
        fail "exact: $what: the sum did not overlap the backward pass" "$WORK/$name.out"
    else
        ok "exact: $what = --workers $((ranks * workers)), bit for bit"
    fi
done
echo "      ($((SECONDS - start)) s)"

# --- fast 2×2
start=$SECONDS
failed_run=""
for overlap in on off; do
    timeout 120 "${MPIRUN[@]}" -np 2 "$TRAIN" $(train_args "fast$overlap") --max-steps 14 --workers 2 --gradient-sum fast \
        --gradient-overlap "$overlap" --check-interval 1 >"$WORK/fast$overlap.out" 2>&1 || failed_run=$overlap
done
if [ -n "$failed_run" ]; then
    fail "fast 2×2: the run with overlap $failed_run failed (or its ranks' parameters diverged)" "$WORK/fast$failed_run.out"
elif ! same_run faston fastoff; then
    fail "fast 2×2: the overlapped run differs from the one without overlap" "$WORK/faston.out"
else
    ok "fast 2×2: the ranks agree at every update; overlapped = not overlapped, bit for bit"
fi
echo "      ($((SECONDS - start)) s)"

# --- kill
start=$SECONDS
"${MPIRUN[@]}" -np 2 "$TRAIN" $(train_args killed) --valid-interval 4 --max-steps 100000 --workers 1 >"$WORK/killed.out" 2>&1 &
job=$!
for _ in $(seq 600); do [ -f "$WORK/killed.last.optimizer.safetensors" ] && break; sleep 0.1; done
sleep 1
victim=""
for p in $(pgrep -P "$job" || true); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then victim=$p; fi
done
if [ -z "$victim" ] || [ ! -f "$WORK/killed.last.optimizer.safetensors" ]; then
    kill "$job" 2>/dev/null || true
    fail "kill: no checkpoint or no rank 1 to kill" "$WORK/killed.out"
else
    killed_at=$SECONDS
    kill -KILL "$victim"
    for _ in $(seq 300); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$job" 2>/dev/null; then
        for p in $(pgrep -P "$job" || true); do kill -KILL "$p" 2>/dev/null || true; done
        kill -KILL "$job" 2>/dev/null || true
        fail "kill: the job still ran 30 s after rank 1 was killed" "$WORK/killed.out"
    elif wait "$job"; then
        fail "kill: the job exited 0 after rank 1 was killed" "$WORK/killed.out"
    elif ! grep -q "signal 9" "$WORK/killed.out"; then
        fail "kill: no error names the killed rank" "$WORK/killed.out"
    else
        stopped=$((SECONDS - killed_at))
        step=$(resume_step "$WORK/killed.last.optimizer.safetensors")
        final=$((step + 6))
        mkdir "$WORK/copy"
        cp "$WORK"/killed.* "$WORK/copy/"
        timeout 120 "$TRAIN" $(train_args whole) --valid-interval 4 --max-steps "$final" --workers 2 >"$WORK/whole.out" 2>&1 || true
        if ! timeout 120 "${MPIRUN[@]}" -np 2 "$TRAIN" $(train_args killed) --valid-interval 4 --resume --max-steps "$final" >"$WORK/resumed.out" 2>&1; then
            fail "kill: --resume with 2 ranks failed" "$WORK/resumed.out"
        elif ! grep -q "resuming at step $step" "$WORK/resumed.out" || ! same_tensors "$WORK/killed.last.optimizer.safetensors" "$WORK/whole.last.optimizer.safetensors"; then
            fail "kill: resumed at step $step with 2 ranks, but not as the uninterrupted run ended" "$WORK/resumed.out"
        elif ! timeout 120 "$TRAIN" --data "$WORK/data" --save "$WORK/copy/killed.safetensors" --resume --max-steps "$final" --workers 2 >"$WORK/rebalanced.out" 2>&1 ||
            ! same_tensors "$WORK/copy/killed.last.optimizer.safetensors" "$WORK/whole.last.optimizer.safetensors"; then
            fail "kill: resumed by 1 process of 2 workers, not as the uninterrupted run ended" "$WORK/rebalanced.out"
        else
            ok "kill: SIGKILL to rank 1 stopped the job in ${stopped} s; resumed at step $step (2 ranks, and 1 process × 2 workers) = uninterrupted"
        fi
    fi
fi
echo "      ($((SECONDS - start)) s)"

# --- mismatch
start=$SECONDS
for case in "seed|--seed 2|a configuration" "data|--data $WORK/data2|training or validation data"; do
    IFS='|' read -r what other message <<<"$case"
    if timeout 60 "${MPIRUN[@]}" -np 1 "$TRAIN" $(train_args "m$what") --max-steps 4 : \
        -np 1 "$TRAIN" $(train_args "m$what") --max-steps 4 $other >"$WORK/m$what.out" 2>&1; then
        fail "mismatch: ranks with different $what trained" "$WORK/m$what.out"
    elif ! grep -q "^mt-train: error: rank 1 started with $message different from rank 0's" "$WORK/m$what.out"; then
        fail "mismatch: no clear error for different $what" "$WORK/m$what.out"
    elif [ -f "$WORK/m$what.last.safetensors" ]; then
        fail "mismatch: a model was written" "$WORK/m$what.out"
    else
        ok "mismatch: ranks with different $what stop at the start with one error"
    fi
done
echo "      ($((SECONDS - start)) s)"

# --- two hosts
start=$SECONDS
a=swiftnmt-mpi-a-$$ b=swiftnmt-mpi-b-$$
if ! command -v ip >/dev/null || ! ip netns add "$a" 2>/dev/null; then
    echo "skip  two-hosts: network namespaces cannot be made here (needs ip and CAP_SYS_ADMIN)"
else
    NETNS+=("$a")
    ip netns add "$b" && NETNS+=("$b")
    # The veth's ends are made inside the namespaces, so no address exists outside them.
    ip -n "$a" link add swnmt0 type veth peer name swnmt1 netns "$b"
    ip -n "$a" addr add 10.213.7.1/24 dev swnmt0
    ip -n "$b" addr add 10.213.7.2/24 dev swnmt1
    for n in "$a" "$b"; do ip -n "$n" link set lo up; done
    ip -n "$a" link set swnmt0 up
    ip -n "$b" link set swnmt1 up
    printf '%s slots=1\n%s slots=1\n' "$a" "$b" >"$WORK/hosts"
    # mpirun's remote shell: "AGENT [options] HOST COMMAND…" runs COMMAND in the host's
    # namespace under the host's own name, as ssh would on a cluster.
    cat >"$WORK/netns-shell" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in -*) shift ;; *) break ;; esac; done
host=$1
shift
exec ip netns exec "$host" unshare --uts sh -c "hostname $host; $*"
EOF
    chmod +x "$WORK/netns-shell"
    if ! timeout 120 ip netns exec "$a" "${MPIRUN[@]}" -np 2 --hostfile "$WORK/hosts" --mca plm_rsh_agent "$WORK/netns-shell" \
        --mca oob_tcp_if_include 10.213.7.0/24 --mca btl_tcp_if_include 10.213.7.0/24 \
        "$TRAIN" $(train_args hosts) --max-steps 14 --workers 1 >"$WORK/hosts.out" 2>&1; then
        fail "two-hosts: mpirun across the namespaces failed" "$WORK/hosts.out"
    elif ! same_run hosts p2; then
        fail "two-hosts: the parameters differ from --workers 2" "$WORK/hosts.out"
    else
        received=$(ip netns exec "$b" cat /sys/class/net/swnmt1/statistics/rx_bytes)
        if [ "$received" -lt 1000000 ]; then
            fail "two-hosts: only $received bytes crossed the link" "$WORK/hosts.out"
        else
            ok "two-hosts: 2 ranks on 2 namespaces over TCP ($((received / 1000)) kB into host b) = --workers 2, bit for bit"
        fi
    fi
fi
echo "      ($((SECONDS - start)) s)"

echo "check-mpi: $passed passed, $failed failed"
[ "$failed" = 0 ]
