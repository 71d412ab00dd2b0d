#!/usr/bin/env bash
# Detection benchmark: recall per rule on synthetic secrets, look-alikes, false positives on
# the Loghub samples. Usage: bench/detection/run.sh [--per-rule N] [--seed S]
# Prints the summary and writes it to the "## Detection quality" section of bench/RESULTS.md;
# corpora and veil's outputs are kept in $VEIL_DETECTION_DIR (default /tmp/veil-detection).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cmake --build "$repo/build" -j2 --target veil >/dev/null
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/detect.py" --veil "$repo/build/veil" \
  --patterns-dir "${VEIL_PATTERNS_DIR:-$repo/patterns}" \
  --loghub "${VEIL_LOGHUB_DIR:-/work/shared/data/loghub}" \
  --results "$repo/bench/RESULTS.md" --work "${VEIL_DETECTION_DIR:-/tmp/veil-detection}" \
  --command "bench/detection/run.sh${*:+ $*}" "$@"
