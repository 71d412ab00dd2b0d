#!/usr/bin/env bash
# End-to-end comparison: veil against cat, sed -E, perl -pe, python3 re and rg on real Loghub
# lines with planted synthetic secrets. Usage: bench/compare/run.sh [SIZE_MB]   (default 200)
# Corpora and outputs go to $VEIL_BENCH_DIR (default /tmp/veil-bench); the result table is
# printed and written to bench/compare/LAST_RUN.md.
set -euo pipefail
size_mb=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export VEIL_BENCH_DIR=${VEIL_BENCH_DIR:-/tmp/veil-bench}
export PYTHONDONTWRITEBYTECODE=1
patterns=${VEIL_PATTERNS_DIR:-$repo/patterns}

install() {  # Debian package $1, unless command $2 exists
  command -v "$2" >/dev/null && return
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "$1" >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$1" >/dev/null; }
}
install ripgrep rg
install time /usr/bin/time

cmake --build "$repo/build" -j2 --target veil >/dev/null ||
  echo "run.sh: warning: the build failed, benchmarking the existing build/veil" >&2
# Snapshot the binary and the packs: both may change under our feet while the benchmark runs.
mkdir -p "$VEIL_BENCH_DIR/patterns"
rm -f "$VEIL_BENCH_DIR"/patterns/*.yaml
cp "$patterns"/*.yaml "$VEIL_BENCH_DIR/patterns/"
cp "$repo/build/veil" "$VEIL_BENCH_DIR/veil"
export VEIL_PATTERNS_DIR=$VEIL_BENCH_DIR/patterns
start=$(date +%s)
python3 "$here/gen_corpus.py" --size-mb "$size_mb" --out "$VEIL_BENCH_DIR" \
  --patterns-dir "$VEIL_PATTERNS_DIR" --veil "$VEIL_BENCH_DIR/veil"
python3 "$here/bench.py" --size-mb "$size_mb" --dir "$VEIL_BENCH_DIR" --patterns-dir "$VEIL_PATTERNS_DIR" \
  --veil "$VEIL_BENCH_DIR/veil" --command "bench/compare/run.sh $size_mb"
echo "total $(( $(date +%s) - start )) s" >&2
