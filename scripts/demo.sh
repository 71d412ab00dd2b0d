#!/usr/bin/env bash
# Builds veil and runs it on the bundled example logs, showing input and redacted output.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
for example in examples/*.log examples/*.ndjson; do
  echo "=== $example (input)"
  cat "$example"
  echo "=== $example | build/veil --stats"
  build/veil --stats < "$example"
done
