#!/usr/bin/env bash
# mt-serve under load, side by side with mt-translate on the same lines in one run:
#  1. mt-translate on the 1000 sentences of Multi30k test2016 (beam 5, one worker per core):
#     sentences/s once the model is loaded; and with --batch-size 1 --threads 1, the time a
#     sentence takes translated alone.
#  2. mt-serve (release) with the model loaded twice, under two ids (peak memory with two
#     models), on 127.0.0.1; scripts/bench-serve.py sends every line as a single-sentence
#     request at concurrency 1, 8 and 64 and checks each answer against mt-translate's line:
#     sentences/s and p50/p95/p99 latency.
#  3. The fault run: FAULT_REQUESTS (default 10000) requests mixing valid requests, every
#     kind of bad input and clients that disconnect mid-request, at concurrency 32, bounded
#     by FAULT_SECONDS (default 900); then the server must still answer /health.
#
# Usage: scripts/bench-serve.sh MODEL.safetensors
# Environment: MULTI30K (corpus directory), SRC (default de), FAULT_REQUESTS (0: no fault run),
# SERVE_CONFIG (a YAML file of server settings, e.g. batch.max_fill_ms: 100 to let batches fill),
# NEW_CONNECTIONS=1 (a new connection per request; by default a client keeps its connection
# while the server does),
# BIN_DIR (the mt-serve and mt-translate to measure; default: the release build),
# WRK_SECONDS (default 10; 0: no wrk runs). Where wrk is installed (Debian's wrk), the same
# request bodies also go through wrk at 1, 8 and 64 connections for WRK_SECONDS each: a
# client in C that takes little of the machine's CPU from the server (answers unchecked).
# Run it under `nice -n 10` on a shared machine; the figures are ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 2,22p "$0" >&2; exit 2; }
MODEL=$1
[ -f "$MODEL" ] || { echo "bench-serve: no such model ($MODEL)" >&2; exit 1; }
SRC=${SRC:-de}
CORPUS=${MULTI30K:-}
if [ -z "$CORPUS" ]; then
  for c in ../shared/corpora/multi30k ../../shared/corpora/multi30k corpora/multi30k; do
    if [ -f "$c/test2016.$SRC" ]; then CORPUS=$c; break; fi
  done
fi
[ -n "$CORPUS" ] || { echo "bench-serve: no Multi30k corpus; set MULTI30K" >&2; exit 1; }
FAULT_REQUESTS=${FAULT_REQUESTS:-10000}
FAULT_SECONDS=${FAULT_SECONDS:-900}
if [ -n "${BIN_DIR:-}" ]; then
  BIN=$BIN_DIR
else
  swift build -c release --product mt-serve >/dev/null
  swift build -c release --product mt-translate >/dev/null
  BIN=.build/release
fi
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
INPUT=$CORPUS/test2016.$SRC
echo "bench-serve: $(wc -l < "$INPUT") sentences of $INPUT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- 1. mt-translate
"$BIN/mt-translate" --model "$MODEL" --verbose < "$INPUT" > "$WORK/expected" 2> "$WORK/translate.report"
read -r T_LINES T_SECONDS < <(sed -n 's/^mt-translate: \([0-9]*\) lines, .* in \([0-9.]*\) s:.*/\1 \2/p' "$WORK/translate.report")
"$BIN/mt-translate" --model "$MODEL" --verbose --batch-size 1 --threads 1 < "$INPUT" > "$WORK/alone" 2> "$WORK/alone.report"
read -r A_LINES A_SECONDS < <(sed -n 's/^mt-translate: \([0-9]*\) lines, .* in \([0-9.]*\) s:.*/\1 \2/p' "$WORK/alone.report")
cmp -s "$WORK/expected" "$WORK/alone" || echo "bench-serve: note: batch size 1 gave other lines than the default batches"
awk -v n="$T_LINES" -v t="$T_SECONDS" -v an="$A_LINES" -v at="$A_SECONDS" 'BEGIN {
  printf "mt-translate (beam 5, %d workers): %.1f sentences/s after loading\n", '"$(nproc)"', n / t
  printf "mt-translate alone (--batch-size 1 --threads 1): %.1f ms per sentence on average\n", 1000 * at / an }'

# ---------------------------------------------------------------- 2. mt-serve under load
"$BIN/mt-serve" --host 127.0.0.1 --port 0 --model a="$MODEL" --model b="$MODEL" ${SERVE_CONFIG:+--config "$SERVE_CONFIG"} 2> "$WORK/serve.err" &
SERVER=$!
PORT=""
for _ in $(seq 1 600); do
  PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$WORK/serve.err" 2>/dev/null || true)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "bench-serve: mt-serve did not start in 60 s" >&2; exit 1; }
# Two models of one direction: requests name none, so the first (a) serves them.
echo "mt-serve: $(sed -n 's/^mt-serve: //p' "$WORK/serve.err" | head -n 1)"
python3 scripts/bench-serve.py load --port "$PORT" --input "$INPUT" --expected "$WORK/expected" --concurrency 1,8,64 \
  ${NEW_CONNECTIONS:+--new-connections} > "$WORK/load.jsonl"
python3 - "$WORK/load.jsonl" "$T_LINES" "$T_SECONDS" "$A_LINES" "$A_SECONDS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
translate = int(sys.argv[2]) / float(sys.argv[3])
alone_ms = 1000 * float(sys.argv[5]) / int(sys.argv[4])
print("connections: " + ("kept alive by each client while the server keeps them: " if rows[0]["keep_alive"] else "a new one per request: ")
      + ", ".join(f"{r['connections']} for {r['concurrency']} client{'s' if r['concurrency'] > 1 else ''}" for r in rows))
print(f"{'clients':>7} {'sent/s':>8} {'vs mt-translate':>15} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'wrong':>5} {'client CPU':>10}")
for r in rows:
    print(f"{r['concurrency']:>7} {r['sentences_per_s']:>8.1f} {r['sentences_per_s'] / translate:>14.0%} {r['p50_ms']:>8.1f}"
          f" {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['mean_ms']:>8.1f} {r['wrong']:>5} {r['client_cpu_s'] / r['seconds']:>9.0%}")
for r in rows:
    buckets = sorted(r["batch_buckets"].items(), key=lambda kv: float(kv[0]))
    lower, prev, parts = 0, 0, []
    for le, n in buckets:
        hi = None if le == "+Inf" else int(float(le))
        if n - prev:
            span = f">{lower}" if hi is None else (str(hi) if hi == lower + 1 else f"{lower + 1}-{hi}")
            parts.append(f"{span}: {n - prev}")
        prev, lower = n, (hi if hi is not None else lower)
    print(f"{r['concurrency']:>7} clients: {r['batches']} batches, {r['mean_batch']:.1f} sentences on average ({', '.join(parts)})")
one = next(r for r in rows if r["concurrency"] == 1)
print(f"concurrency 1: median latency {one['p50_ms']:.1f} ms = {one['p50_ms'] / alone_ms:.2f}x a sentence translated alone ({alone_ms:.1f} ms)")
sys.exit(1 if any(r["wrong"] for r in rows) else 0)
PY
WRK_SECONDS=${WRK_SECONDS:-10}
if [ "$WRK_SECONDS" != 0 ] && command -v wrk >/dev/null; then
  python3 -c 'import json, sys
for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]: print(json.dumps({"q": l}))' "$INPUT" > "$WORK/bodies.jsonl"
  for c in 1 8 64; do
    wrk -t1 -c"$c" -d"$WRK_SECONDS"s --timeout 30s -s scripts/bench-serve.lua "http://127.0.0.1:$PORT" -- "$WORK/bodies.jsonl" |
      tail -n 1 | sed "s/^{/{\"concurrency\": $c, /" >> "$WORK/wrk.jsonl"
  done
  python3 - "$WORK/wrk.jsonl" "$T_LINES" "$T_SECONDS" "$WRK_SECONDS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
translate = int(sys.argv[2]) / float(sys.argv[3])
print(f"wrk (each connection kept while the server keeps it), {sys.argv[4]} s each:")
print(f"{'clients':>7} {'sent/s':>8} {'vs mt-translate':>15} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'failed':>6}")
for r in rows:
    rate = r["requests"] / r["seconds"]
    print(f"{r['concurrency']:>7} {rate:>8.1f} {rate / translate:>14.0%} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}"
          f" {r['p99_ms']:>8.1f} {r['mean_ms']:>8.1f} {r['failed']:>6}")
sys.exit(1 if any(r["failed"] for r in rows) else 0)
PY
fi
echo "load average after the load runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mt-serve peak memory (VmHWM) with two models loaded: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' /proc/$SERVER/status)"

# ---------------------------------------------------------------- 3. the fault run
if [ "$FAULT_REQUESTS" -gt 0 ]; then
  python3 scripts/bench-serve.py fault --port "$PORT" --input "$INPUT" --expected "$WORK/expected" --concurrency 32 \
    --requests "$FAULT_REQUESTS" --seconds "$FAULT_SECONDS" > "$WORK/fault.json" || FAULT_FAILED=1
  python3 - "$WORK/fault.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"fault run: {r['requests']} requests in {r['seconds']:.0f} s, {r['wrong']} wrong answers, {r['busy_503']} valid ones refused with 503 (queue full),"
      f" server {'healthy' if r['healthy_after'] else 'NOT answering'} after")
print("  " + ", ".join(f"{k} {v[0]}" + (f" ({v[1]} wrong)" if v[1] else "") for k, v in r["by_kind"].items()))
PY
  kill -0 "$SERVER" 2>/dev/null || { echo "bench-serve: mt-serve died during the fault run" >&2; exit 1; }
  [ -z "${FAULT_FAILED:-}" ] || { echo "bench-serve: the fault run failed" >&2; exit 1; }
fi
kill -TERM "$SERVER"
wait "$SERVER"
SERVER=""
echo "mt-serve: exit 0 after SIGTERM"
