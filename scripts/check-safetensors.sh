#!/usr/bin/env bash
# Checks that a model (or optimiser-state) file opens with Python's safetensors and
# numpy, printing tensor names, shapes and metadata keys.
#
#   scripts/check-safetensors.sh [FILE.safetensors]
#
# Without an argument it checks scripts/check-safetensors-fixture.safetensors, a tiny
# model written by the Swift code (kept current by CheckpointFixtureTests). When
# safetensors or numpy are missing they are installed into a virtual environment
# under /tmp (override with MT_PY_VENV); if that cannot be done (no pip, no network)
# the check is skipped with exit status 0 and a line saying so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
model="${1:-$here/check-safetensors-fixture.safetensors}"
if [ ! -f "$model" ]; then
    echo "check-safetensors: error: no such file ($model)" >&2
    exit 1
fi

python=python3
if ! command -v python3 >/dev/null 2>&1; then
    echo "check-safetensors: skipped (python3 is not installed)"
    exit 0
fi
if ! python3 -c "import safetensors, numpy" >/dev/null 2>&1; then
    venv="${MT_PY_VENV:-/tmp/swift-nmt-check-safetensors-venv}"
    if [ ! -x "$venv/bin/python" ]; then
        if ! python3 -m venv "$venv" >/dev/null 2>&1; then
            rm -rf "$venv"
            echo "check-safetensors: skipped (cannot create a Python virtual environment)"
            exit 0
        fi
    fi
    if ! "$venv/bin/python" -c "import safetensors, numpy" >/dev/null 2>&1; then
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --timeout 30 --retries 1 \
            safetensors numpy >&2; then
            echo "check-safetensors: skipped (pip could not install safetensors and numpy)"
            exit 0
        fi
    fi
    python="$venv/bin/python"
fi
exec "$python" "$here/check-safetensors.py" "$model"
