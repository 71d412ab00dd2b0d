#!/usr/bin/env bash
# Line-filter throughput on real logs without secrets (loghub repeated to about 110 MB): wall
# and CPU seconds, MB/s, peak RSS, for 1 and 2 threads, for two independent one-thread runs at
# once (what this machine gives any two-way parallel work: the ceiling for `--threads 2`), and
# for the start-up alone. Rounds are interleaved so that a slow spell of a shared host hits
# every row alike; each row keeps its best round. The comparison with other tools on a corpus
# with planted secrets is bench/compare/run.sh.
# Usage: bench/throughput.sh [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-3}
work=${VEIL_BENCH_DIR:-/tmp/veil-throughput}
mkdir -p "$work"
cmake --build "$repo/build" -j2 --target veil >/dev/null
veil="$repo/build/veil"
corpus="$work/loghub-x25.log"
if [[ ! -s "$corpus" ]]; then
  for _ in $(seq 25); do cat "$repo"/../shared/data/loghub/*.log; done > "$corpus"
fi
bytes=$(stat -c %s "$corpus")
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $corpus ($((bytes / 1000000)) MB, real logs, no planted secrets); default packs; best of $rounds interleaved rounds"

results=$(mktemp)
steady=$(mktemp)
trap 'rm -f "$results" "$steady"' EXIT
# One timed run: NAME BYTES-PROCESSED COMMAND... ; appends "NAME BYTES wall user sys rss".
timed() {
  local name=$1 processed=$2; shift 2
  local line
  line=$( { /usr/bin/time -f '%e %U %S %M' "$@"; } 2>&1 | tail -1)
  echo "$name $processed $line" >> "$results"
}
for _ in $(seq "$rounds"); do
  timed one-thread "$bytes" sh -c '"$0" --threads 1 < "$1" > /dev/null' "$veil" "$corpus"
  timed two-threads "$bytes" sh -c '"$0" --threads 2 < "$1" > /dev/null' "$veil" "$corpus"
  # Two processes with nothing shared but the machine. /usr/bin/time reports the shell's
  # children together: CPU is the sum, RSS the larger of the two.
  timed two-processes "$((2 * bytes))" sh -c \
    '"$0" --threads 1 < "$1" > /dev/null & "$0" --threads 1 < "$1" > /dev/null; wait' "$veil" "$corpus"
  timed start-up 0 sh -c '"$0" < /dev/null' "$veil"
  # The filter alone, start-up excluded: --stats times the run from its first read.
  for threads in 1 2; do
    "$veil" --threads "$threads" --stats < "$corpus" 2>&1 > /dev/null |
      awk -v t="$threads" '/MB\/s/ { gsub(/[(]/, "", $9); print "steady-" t, $9 }' >> "$steady"
  done
done

best() { awk -v n="$1" '$1 == n && (best == "" || $3 < w) { best = $0; w = $3 } END { print best }' "$results"; }
printf '| run | wall s | CPU s | MB/s (wall) | MB per CPU-s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|\n'
for name in one-thread two-threads two-processes; do
  best "$name" | awk '{ printf "| %s | %.2f | %.2f | %.0f | %.0f | %.0f |\n", $1, $3, $4 + $5, $2 / 1e6 / $3, $2 / 1e6 / ($4 + $5), $6 / 1024 }'
done
one=$(best one-thread | awk '{ print $2 / $3 }')
two=$(best two-threads | awk '{ print $2 / $3 }')
pair=$(best two-processes | awk '{ print $2 / $3 }')
start=$(best start-up | awk '{ print $3 }')
echo
awk -v one="$one" -v two="$two" -v pair="$pair" 'BEGIN {
  printf "--threads 2 / --threads 1: %.2f×; two independent processes / one: %.2f× (the machine'"'"'s two-way ceiling); --threads 2 reaches %.0f%% of it\n",
    two / one, pair / one, 100 * (two / one) / (pair / one) }'
echo "start-up with the cached database (empty input): ${start} s"
awk '{ if ($2 > best[$1]) best[$1] = $2 } END {
  printf "steady state (--stats, start-up excluded): %.0f MB/s on 1 thread, %.0f on 2: %.2f×\n",
    best["steady-1"], best["steady-2"], best["steady-2"] / best["steady-1"] }' "$steady"
