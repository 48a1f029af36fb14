#!/usr/bin/env bash
# The whole test suite under the address and the thread sanitizer, each in its own
# scratch path (.build-address/, .build-thread/):
#   scripts/sanitize.sh [address] [thread]     (default: both)
# Prints each one's build and test time; fails if a test fails or a sanitizer reports.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
# The Swift runtime's backtracer would read memory the sanitizers object to; leak reports
# are left out (the runtime's and Foundation's caches live until exit by design).
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-} TSAN_OPTIONS=halt_on_error=0:${TSAN_OPTIONS:-}
status=0
for kind in "${kinds[@]}"; do
  case "$kind" in address|thread) ;; *) echo "sanitize.sh: no sanitizer '$kind' (address or thread)" >&2; exit 2 ;; esac
  scratch=".build-$kind"
  start=$(date +%s)
  swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" 2>&1 | grep -E "error|warning: unre|Build" | tail -3
  built=$(date +%s)
  log="$scratch/test.log"
  swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" >"$log" 2>&1 || status=1
  done_=$(date +%s)
  grep -E "Test run with|Executed .* tests" "$log" | tail -2 || true
  reports=$(grep -cE "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread)Sanitizer)" "$log" || true)
  [ "$reports" = 0 ] || { status=1; grep -E "^SUMMARY: " "$log" | sort | uniq -c | sort -rn | head -20; }
  echo "sanitize.sh: $kind: build $((built - start)) s, tests $((done_ - built)) s, $reports sanitizer reports (log: $log)"
done
exit $status
