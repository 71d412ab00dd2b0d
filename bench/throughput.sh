#!/usr/bin/env bash
# Line-filter throughput on real logs without secrets (loghub repeated to about 110 MB): wall
# and CPU seconds, MB/s, peak RSS, for 1 and 2 threads and for the start-up alone. The
# comparison with other tools on a corpus with planted secrets is bench/compare/run.sh.
# Usage: bench/throughput.sh [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-3}
work=${VEIL_BENCH_DIR:-/tmp/veil-throughput}
mkdir -p "$work"
cmake --build "$repo/build" -j2 --target veil >/dev/null
corpus="$work/loghub-x25.log"
if [[ ! -s "$corpus" ]]; then
  for _ in $(seq 25); do cat "$repo"/../shared/data/loghub/*.log; done > "$corpus"
fi
bytes=$(stat -c %s "$corpus")
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $corpus ($((bytes / 1000000)) MB, real logs, no planted secrets); default packs; best of $rounds rounds"
printf '| run | wall s | CPU s | MB/s (wall) | MB per CPU-s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|\n'
measure() {  # NAME ARGS... (stdin from the corpus)
  local name=$1; shift
  local best=""
  for _ in $(seq "$rounds"); do
    local line
    line=$( { /usr/bin/time -f '%e %U %S %M' "$repo/build/veil" "$@" < "$corpus" > /dev/null; } 2>&1 | tail -1)
    if [[ -z "$best" ]] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  read -r wall user sys rss <<< "$best"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.0f | %.0f | %.0f |\n", n, w, u + s, b / 1e6 / w, b / 1e6 / (u + s), r / 1024 }'
}
measure "veil --threads 1" --threads 1
measure "veil --threads 2" --threads 2
start=$( { /usr/bin/time -f '%e' "$repo/build/veil" < /dev/null; } 2>&1 | tail -1)
echo
echo "start-up with the cached database (empty input): ${start} s"
