#!/usr/bin/env bash
# Fuzz targets (libFuzzer with address sanitizer) for every reader of user bytes.
#   scripts/fuzz.sh --list               name the targets
#   scripts/fuzz.sh --build              build them all (in .build-fuzz/)
#   scripts/fuzz.sh TARGET [SECONDS]     fuzz one (default 60 s), then print its statistics
#   scripts/fuzz.sh --smoke [SECONDS]    every target for a few seconds (default 3), as scripts/test.sh does
# Seeds are committed in Tests/Fuzz/corpus/TARGET; what a run finds grows .build-fuzz/corpus/TARGET;
# a crash is saved as .build-fuzz/findings/TARGET-crash-* and the script fails.
# FUZZ_CONFIGURATION=debug builds faster and runs slower (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS="fuzz-text fuzz-bpe fuzz-safetensors fuzz-corpus fuzz-config fuzz-bleu fuzz-serve-request fuzz-html fuzz-sentences"
SCRATCH=.build-fuzz
CONFIGURATION=${FUZZ_CONFIGURATION:-release}

build() {
  for t in "$@"; do
    # lld: gold fails on the fuzzer runtime's symbols with debug information.
    SWIFTNMT_FUZZ=1 swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product "$t" \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 |
      grep -vE "Cannot export local symbol|^\[[0-9]+/[0-9]+\]" || true
    [ -x "$SCRATCH/$CONFIGURATION/$t" ] || { echo "fuzz.sh: building $t failed" >&2; exit 1; }
  done
}

# run TARGET SECONDS: fuzzes, prints "TARGET: N executions in S s (R exec/s)", fails on a finding.
run() {
  local t=$1 seconds=$2 corpus="$SCRATCH/corpus/$1" findings="$SCRATCH/findings" log
  mkdir -p "$corpus" "$findings"
  log=$(mktemp)
  local status=0
  # The Swift runtime's own backtracer would read memory the address sanitizer objects to.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$SCRATCH/$CONFIGURATION/$t" -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/$t-" "$corpus" "Tests/Fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  local runs rate
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ "$status" != 0 ]; then
    grep -E "fuzz finding|ERROR|SUMMARY|Fatal error|precondition|Test unit written" "$log" | head -20 >&2
    echo "fuzz.sh: $t: finding after ${runs:-?} executions (log: $log)" >&2
    return 1
  fi
  echo "$t: ${runs:-?} executions in $seconds s (${rate:-?} exec/s), corpus $(ls "$corpus" | wc -l) inputs"
  rm -f "$log"
}

case "${1:-}" in
  --list) for t in $TARGETS; do echo "$t"; done ;;
  --build) build $TARGETS ;;
  --smoke)
    build $TARGETS
    for t in $TARGETS; do run "$t" "${2:-3}"; done ;;
  ""|-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    case " $TARGETS " in *" $1 "*) ;; *) echo "fuzz.sh: unknown target '$1' (see --list)" >&2; exit 2 ;; esac
    build "$1"
    run "$1" "${2:-60}" ;;
esac
