#!/usr/bin/env bash
# OTLP end to end on loopback: load generator -> `veil serve` -> sink, against the same
# generator and sink talking directly (the baseline). Scenarios: maximum throughput (closed
# loop, INFLIGHT requests in flight) and RATE spans/s on a fixed schedule (open loop), each
# direct and through veil; then the open loop again with SDK-sized 512-span batches. veil is
# started afresh for each run, so its CPU time and Prometheus histogram cover that run only.
#
# Usage: bench/otlp_load.sh [BUILD_DIR]     (default: $VEIL_BUILD_DIR, else build/)
# Environment: DURATION (s, default 10), WARMUP (s, 2), RATE (spans/s, 10000),
#   INFLIGHT (closed loop, 8), SPANS (spans per request, 100), SECRETS (fraction, 0.05),
#   VEIL_ARGS (extra arguments for veil, e.g. "--threads 1").
# Full output of every run: $VEIL_BENCH_DIR/otlp_load.log (default /tmp/veil-otlp-load).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-${VEIL_BUILD_DIR:-$repo/build}}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
rate=${RATE:-10000}
inflight=${INFLIGHT:-8}
spans=${SPANS:-100}
secrets=${SECRETS:-0.05}
work=${VEIL_BENCH_DIR:-/tmp/veil-otlp-load}
mkdir -p "$work"
log="$work/otlp_load.log"
: > "$log"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target veil veil_otlp_load >/dev/null
load="$build/bench/veil_otlp_load"

veil_pid=""
stop_veil() {
  if [[ -n "$veil_pid" ]]; then
    kill -TERM "$veil_pid" 2>/dev/null || true
    wait "$veil_pid" 2>/dev/null || true
    veil_pid=""
  fi
}
trap stop_veil EXIT
trap 'exit 130' INT TERM

# The value of one key=value field of a RESULT line.
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

rows=()
failed=0
declare -A p99
run() {  # SCENARIO PATH(direct|veil) LOAD-ARGS...
  local scenario=$1 path=$2
  shift 2
  local out rc=0
  if [[ "$path" == direct ]]; then
    out=$("$load" --direct --duration "$duration" --warmup "$warmup" --spans-per-request "$spans" \
            --secret-fraction "$secrets" --label "$scenario" "$@" 2>&1) || rc=$?
  else
    local sink_port veil_port metrics_port
    sink_port=$("$load" --free-port)
    veil_port=$("$load" --free-port)
    metrics_port=$("$load" --free-port)
    # shellcheck disable=SC2086
    "$build/veil" ${VEIL_ARGS:-} serve --listen "127.0.0.1:$veil_port" --forward "127.0.0.1:$sink_port" \
      --metrics-listen "127.0.0.1:$metrics_port" 2>>"$log" &
    veil_pid=$!
    # The generator waits for veil's listener itself (up to 15 s).
    out=$("$load" --target "127.0.0.1:$veil_port" --sink-port "$sink_port" --veil-pid "$veil_pid" \
            --veil-metrics "127.0.0.1:$metrics_port" --duration "$duration" --warmup "$warmup" \
            --spans-per-request "$spans" --secret-fraction "$secrets" --label "$scenario" "$@" 2>&1) || rc=$?
    stop_veil
  fi
  printf '%s\n\n' "$out" >> "$log"
  local result
  result=$(grep '^RESULT' <<< "$out" || true)
  if [[ $rc -ne 0 || -z "$result" || "$(field "$result" ok)" != 1 ]]; then
    echo "FAILED: $scenario, $path (exit $rc):" >&2
    grep -E 'problem|veil_otlp_load' <<< "$out" >&2 || tail -5 <<< "$out" >&2
    failed=1
    rows+=("| $scenario | $path | FAILED (see $log) | | | | | | | |")
    return
  fi
  p99["$scenario/$path"]=$(field "$result" p99)
  local per_cpu veil_cpu hist
  per_cpu=$(field "$result" veil_spans_per_cpu_s)
  veil_cpu=$(field "$result" veil_cpu)
  hist="$(field "$result" veil_hist_p50) / $(field "$result" veil_hist_p99)"
  if [[ "$path" == direct ]]; then per_cpu="—"; veil_cpu="—"; hist="—"; fi
  rows+=("| $scenario | $path | $(field "$result" spans_per_s) | $per_cpu | $veil_cpu | $(field "$result" self_cpu) | $(field "$result" p50) | $(field "$result" p90) | $(field "$result" p99) | $(field "$result" max) | $hist |")
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "veil: $("$build/veil" --version 2>/dev/null || echo "$build/veil") at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'); default packs"
echo "veil arguments: ${VEIL_ARGS:-(none)}"
echo "spans: 10 attributes of 20-character keys and values, $spans per request, ${secrets} of them with a planted ghp_ token; ${duration} s measured after ${warmup} s warm-up"

closed="closed loop, $inflight in flight"
open="open loop, $rate spans/s"
open512="open loop, $rate spans/s, 512/request"
run "$closed" direct --closed --inflight "$inflight"
run "$closed" veil --closed --inflight "$inflight"
run "$open" direct --rate "$rate"
run "$open" veil --rate "$rate"
run "$open512" direct --rate "$rate" --spans-per-request 512
run "$open512" veil --rate "$rate" --spans-per-request 512

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scenario | path | spans/s | spans per veil CPU-s | veil CPU s | generator + sink CPU s | p50 ms | p90 ms | p99 ms | max ms | veil histogram p50 / p99 ms |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
for scenario in "$open" "$open512"; do
  if [[ -n "${p99[$scenario/direct]:-}" && -n "${p99[$scenario/veil]:-}" ]]; then
    awk -v s="$scenario" -v d="${p99[$scenario/direct]}" -v v="${p99[$scenario/veil]}" \
      'BEGIN { printf "added p99 latency, %s: %.3f ms (%.3f via veil - %.3f direct)\n", s, v - d, v, d }'
  fi
done
echo "latency: one-way, generator to sink, from the scheduled send time (open loop) or the send time (closed loop)"
echo "full output: $log"
exit "$failed"
