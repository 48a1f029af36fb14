#!/usr/bin/env bash
# mt-serve end to end on 127.0.0.1 (a free port the server picks and prints): makes two
# small random-weight models from the sample corpus (seconds), starts the server with
# both, waits on /ready, runs scripts/check-serve.py (every route, every bad input,
# translations against mt-translate's, reload, disconnects, metrics), scripts/check-serve-text.py
# (paragraphs, lines and HTML), LibreTranslate's Python clients from PyPI
# (scripts/check-serve-clients.py, skipped offline), checks the
# per-request timeout (504) on a second server, and on a third sends SIGTERM during a
# request, which must still complete, and the server exit 0. With Chromium installed,
# scripts/check-serve-browser.py also drives the web page (skipped with a message when not).
#
#   scripts/check-serve.sh [BIN_DIR]     (default .build/debug, as `swift build` leaves it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:-.build/debug}
for tool in mt-serve mt-translate mt-preprocess mt-train; do
  [ -x "$bin/$tool" ] || { echo "check-serve: error: $bin/$tool is not built" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "check-serve: error: python3 is needed" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-serve: FAIL $*" >&2; exit 1; }

# ---------------------------------------------------------------- models: random weights, real pipelines
corpus=corpora/sample
"$bin/mt-preprocess" prepare --train-src $corpus/train.en --train-tgt $corpus/train.de --out "$work/en-de" \
  --vocab-dir "$work/vocab-en-de" --src-lang en --tgt-lang de --bpe-merges 0 >/dev/null 2>&1
"$bin/mt-preprocess" prepare --train-src $corpus/train.de --train-tgt $corpus/train.en --out "$work/de-en" \
  --vocab-dir "$work/vocab-de-en" --src-lang de --tgt-lang en --bpe-merges 100 >/dev/null 2>&1
tiny=(--set model.embedding_size=16 --set model.hidden_size=32 --set model.encoder_layers=1 --set model.decoder_layers=1
      --set model.param_init=0.5 --max-steps 1 --threads 1 --batch-tokens 200)
"$bin/mt-train" --data "$work/en-de" --save "$work/m1.safetensors" --seed 1 "${tiny[@]}" >/dev/null 2>&1
"$bin/mt-train" --data "$work/en-de" --save "$work/m2.safetensors" --seed 2 "${tiny[@]}" >/dev/null 2>&1
"$bin/mt-train" --data "$work/de-en" --save "$work/m3.safetensors" --seed 3 "${tiny[@]}" >/dev/null 2>&1
echo "not a model" > "$work/not-a-model.safetensors"

# Inputs: sample sentences, an empty line, a long line, odd spacing and case.
{ head -n 24 $corpus/test.en; echo; echo "  The   TEACHER reads a book .  "; head -n 40 $corpus/test.en | tail -n 1 | sed 's/$/ and again and again and again and again/'; } > "$work/input.txt"
"$bin/mt-translate" --model "$work/m1.safetensors" < "$work/input.txt" > "$work/expected.txt"
"$bin/mt-translate" --model "$work/m2.safetensors" < "$work/input.txt" > "$work/m2-expected.txt"
"$bin/mt-translate" --model "$work/m1.safetensors" --n-best 3 --beam-size 4 --length-penalty 0.5 < "$work/input.txt" > "$work/expected-nbest.txt"
# Text rather than sentences: single sentences of the sample, translated one a line.
grep -m 12 -E '^[A-Z][^.?!]*[.?!]$' $corpus/test.en > "$work/sentences.txt"
"$bin/mt-translate" --model "$work/m1.safetensors" --no-split < "$work/sentences.txt" > "$work/sentences-expected.txt"

# ---------------------------------------------------------------- a server: start, wait for /ready
# start NAME CONFIG_YAML: starts mt-serve with both models; sets $port and $pid.
start() {
  printf '%s\n' "$2" > "$work/$1.yaml"
  "$bin/mt-serve" --host 127.0.0.1 --port 0 --model en-de="$work/m1.safetensors" --model de-en="$work/m3.safetensors" \
    --config "$work/$1.yaml" --threads 2 > "$work/$1.out" 2> "$work/$1.err" &
  pid=$!
  pids+=("$pid")
  port=""
  for _ in $(seq 1 300); do   # at most 30 s
    # The server's redirection may not have created the file yet: that is not an error.
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$work/$1.err" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "$1: mt-serve exited: $(cat "$work/$1.err")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "$1: mt-serve did not start listening in 30 s"
  for _ in $(seq 1 100); do
    python3 -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$port/ready', timeout=2).status == 200 else 1)" \
      2>/dev/null && return 0
    sleep 0.1
  done
  fail "$1: /ready did not answer 200 in 10 s"
}

# stop PID: SIGTERM, then the exit status within 30 s.
stop() {
  kill -TERM "$1"
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && fail "mt-serve did not stop within 30 s of SIGTERM"
  wait "$1"
}

# ---------------------------------------------------------------- 1. every route and bad input
start main "limits:
  max_sentences: 32
  max_characters: 3000
  max_body_bytes: 20000
  max_queue_sentences: 30
  timeout_seconds: 60"
main_pid=$pid
python3 scripts/check-serve.py --port "$port" --work "$work" --limits 32,3000,20000,30 || fail "scripts/check-serve.py"
python3 scripts/check-serve-text.py --port "$port" --sentences "$work/sentences.txt" --expected "$work/sentences-expected.txt" \
  --limits 32,3000 || fail "scripts/check-serve-text.py"
# LibreTranslate's own Python clients from PyPI (skipped when PyPI is out of reach).
venv=.build/libretranslate-clients-venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import libretranslatepy, libretranslate_aio" 2>/dev/null \
   || { rm -rf "$venv"; python3 -m venv "$venv" >/dev/null 2>&1 \
        && "$venv/bin/pip" install --quiet --disable-pip-version-check --timeout 30 libretranslatepy==2.1.4 libretranslate-aio==0.1.3 >/dev/null 2>&1; }; then
  "$venv/bin/python" scripts/check-serve-clients.py --port "$port" --sentences "$work/sentences.txt" \
    --expected "$work/sentences-expected.txt" || fail "scripts/check-serve-clients.py"
else
  echo "check-serve: LibreTranslate client check skipped (could not install libretranslatepy and libretranslate-aio from PyPI)"
fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  python3 scripts/check-serve-browser.py --port "$port" --expect "$(head -n 1 "$work/expected.txt")" --input "$(head -n 1 "$work/input.txt")" \
    || fail "scripts/check-serve-browser.py"
else
  echo "check-serve: browser check skipped (no chromium; apt-get install chromium)"
fi
status=0; stop "$main_pid" || status=$?
[ "$status" = 0 ] || fail "mt-serve exited $status after SIGTERM"
echo "ok    SIGTERM when idle: exit 0"

# ---------------------------------------------------------------- 2. the per-request time limit
start slow "batch:
  max_wait_ms: 3000
limits:
  timeout_seconds: 0.3"
out=$(python3 -c "
import sys; sys.path.insert(0, 'scripts'); from serve_client import post_json
print(post_json($port, '/translate', {'q': 'a b c', 'target': 'de'}))")
case "$out" in
  *"(504, {'error': 'the translation took longer than the limit timeout_seconds 0.3'})"*) echo "ok    a request over timeout_seconds: 504" ;;
  *) fail "timeout: expected 504, got $out" ;;
esac
stop "$pid" || fail "mt-serve (slow) did not exit 0"

# ---------------------------------------------------------------- 3. SIGTERM during a request; a disconnect leaves the queue
start drain "batch:
  max_wait_ms: 1500"
python3 - "$port" "$work" <<'PY' || fail "disconnect"
import json, socket, sys, time
sys.path.insert(0, "scripts")
from serve_client import request
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
body = json.dumps({"q": ["a b c"] * 5, "target": "de"}).encode()
s.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
time.sleep(0.3)
_, _, m = request(port, "GET", "/metrics")
waiting = "mtserve_queue_sentences 5" in m.decode()
s.close()
for _ in range(50):
    time.sleep(0.02)
    _, _, m = request(port, "GET", "/metrics")
    if "mtserve_queue_sentences 0" in m.decode():
        break
text = m.decode()
ok = waiting and "mtserve_queue_sentences 0" in text and 'status="499"' in text
print(("ok    " if ok else "FAIL  ") + "a client that disconnects takes its 5 sentences out of the queue at once (499)")
sys.exit(0 if ok else 1)
PY
python3 - "$port" "$(sed -n 3p "$work/expected.txt")" "$(sed -n 3p "$work/input.txt")" > "$work/drain.result" <<'PY' &
import sys
sys.path.insert(0, "scripts")
from serve_client import post_json
code, r = post_json(int(sys.argv[1]), "/translate", {"q": sys.argv[3], "target": "de"}, timeout=30)
print(code == 200 and r["translatedText"] == sys.argv[2] and r["detectedLanguage"]["language"] == "en")
PY
client=$!
sleep 0.5   # the request waits in the queue (max_wait_ms 1500)
status=0; stop "$pid" || status=$?
wait "$client" || true
[ "$(cat "$work/drain.result")" = True ] || fail "the request in flight at SIGTERM did not complete: $(cat "$work/drain.result")"
[ "$status" = 0 ] || fail "mt-serve exited $status after SIGTERM during a request"
echo "ok    SIGTERM during a request: the request completes, then exit 0"
echo "check-serve: all checks passed"
