#!/usr/bin/env bash
# Installs missing packages, then configures and builds veil (Release) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build build -j"$(nproc)"
