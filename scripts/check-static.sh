#!/usr/bin/env bash
# Builds release binaries with the Swift runtime linked in (--static-swift-stdlib) and
# checks that they run without a Swift installation: each program's --help runs in an
# empty environment (PATH=/usr/bin:/bin, no LD_LIBRARY_PATH), and ldd shows no
# libswift*, libFoundation*, libdispatch or libBlocksRuntime. The system libraries
# the toolkit is built on (libicu, libopenblas, libc, libstdc++ ...) remain.
#
#   scripts/check-static.sh [--copy-to DIR]
#
# --copy-to DIR also copies the checked binaries to DIR (e.g. for a release archive).
# The build goes to .build-static/ so that it does not disturb the normal .build/.
set -euo pipefail
cd "$(dirname "$0")/.."

copy_to=""
case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --copy-to) [ $# -ge 2 ] || { echo "check-static: error: --copy-to needs a directory" >&2; exit 2; }; copy_to="$2" ;;
  "") ;;
  *) echo "check-static: error: unknown argument $1 (see --help)" >&2; exit 2 ;;
esac

tools=(mt-preprocess mt-train mt-translate mt-bleu mt-bench mt-average mt-serve)
build_path=.build-static
# Binaries for other machines: not tuned for this machine's CPU (see Package.swift).
export SWIFTNMT_PORTABLE=1
echo "check-static: SWIFTNMT_PORTABLE=1 swift build -c release --static-swift-stdlib --build-path $build_path" >&2
swift build -c release --static-swift-stdlib --build-path "$build_path" >&2
bin="$(swift build -c release --static-swift-stdlib --build-path "$build_path" --show-bin-path)"

failures=0
fail() { echo "FAIL  $1: $2"; failures=$((failures + 1)); }

if env -i PATH=/usr/bin:/bin sh -c 'command -v swift' >/dev/null 2>&1; then
  echo "note: swift is on /usr/bin:/bin here, so the clean environment still has a toolchain;" \
       "the ldd check below is what proves independence" >&2
fi

for tool in "${tools[@]}"; do
  exe="$bin/$tool"
  if [ ! -x "$exe" ]; then fail "$tool" "not built ($exe)"; continue; fi
  if ! out=$(env -i PATH=/usr/bin:/bin "$exe" --help 2>&1); then
    fail "$tool" "--help failed in a clean environment: $(echo "$out" | head -3 | tr '\n' ' ')"
    continue
  fi
  libs=$(ldd "$exe" 2>&1 | awk '{print $1}' | sed 's@.*/@@' | sort -u)
  swiftlibs=$(echo "$libs" | grep -E '^lib(swift|Foundation|dispatch|BlocksRuntime)' || true)
  notfound=$(ldd "$exe" 2>&1 | grep 'not found' || true)
  if [ -n "$swiftlibs" ]; then
    fail "$tool" "needs $(echo $swiftlibs)"
  elif [ -n "$notfound" ]; then
    fail "$tool" "missing libraries: $(echo $notfound)"
  else
    size=$(du -h "$exe" | cut -f1)
    needed=$(echo "$libs" | grep -E '^lib' | grep -vE '^(ld-linux|linux-vdso)' | sed 's/\.so.*//' | tr '\n' ' ')
    echo "ok    $tool ($size): --help runs without the toolchain; needs only: $needed"
  fi
done

if [ -n "$copy_to" ] && [ "$failures" = 0 ]; then
  mkdir -p "$copy_to"
  for tool in "${tools[@]}"; do cp "$bin/$tool" "$copy_to/"; done
  echo "check-static: binaries copied to $copy_to" >&2
fi
if [ "$failures" != 0 ]; then
  echo "check-static: $failures of ${#tools[@]} programs failed" >&2
  exit 1
fi
echo "check-static: all ${#tools[@]} programs run without the Swift toolchain" >&2
