#!/usr/bin/env bash
# Builds veil and runs the whole test suite (unit, rule-pack and end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
