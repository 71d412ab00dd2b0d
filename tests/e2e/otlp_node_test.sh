#!/usr/bin/env bash
# End-to-end test of `veil serve` with the official OpenTelemetry SDK for Node.js as the client:
#
#   sender.js (SDK: BasicTracerProvider + LoggerProvider, OTLP/gRPC exporters)
#     -> veil serve --listen 127.0.0.1:P1 --forward 127.0.0.1:P2
#     -> sink.js (grpc-js OTLP server decoding with the repository's proto/ files)
#
# The sender plants fake secrets generated at run time; the sink must receive none of them,
# the exact [REDACTED:rule] markers in their place, and everything else as it was sent.
#
# Usage: otlp_node_test.sh PATH/TO/veil
# Needs node and npm (scripts/install-deps.sh installs them); without them the test fails.
# Dependencies come from the committed package-lock.json through `npm ci`, into a scratch
# directory, so concurrent runs never share a node_modules.
set -u
VEIL=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC="$ROOT/tests/e2e/otlp_node"
WORK=$(mktemp -d /tmp/veil-e2e-node.XXXXXX)
export VEIL_CACHE_DIR="$WORK/cache"
failures=0
watchers=()
sink_pid=""
veil_pid=""
started=$(date +%s)

pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
# Stops a process this script started and waits for it (it may be gone already).
stop() {
  local pid=$1
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  [[ ${#watchers[@]} -gt 0 ]] && kill -TERM "${watchers[@]}" 2>/dev/null
  stop "$veil_pid"
  stop "$sink_pid"
  # VEIL_E2E_KEEP=1 keeps the requests, expectations and logs for a look afterwards.
  if [[ -n "${VEIL_E2E_KEEP:-}" ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Should this script be killed outright (SIGKILL), the trap never runs: a watchdog per
# background process stops it, and removes the scratch directory, once the script is gone.
# On an ordinary exit, cleanup ends the watchdogs first.
watch_pid() {
  local parent=$$
  ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    kill -TERM "$1" 2>/dev/null
    [[ -n "${VEIL_E2E_KEEP:-}" ]] || rm -rf "$WORK" ) > /dev/null 2>&1 &
  watchers+=($!)
}
finish() {
  echo
  echo "otlp_node e2e: $(( $(date +%s) - started )) s"
  if [[ $failures -gt 0 ]]; then echo "FAIL: $failures otlp_node e2e check(s) failed"; exit 1; fi
  echo "PASS: all otlp_node e2e checks passed"
  exit 0
}
die() { fail "$1"; finish; }
show_log() { [[ -s "$1" ]] && sed 's/^/        /' "$1" | tail -n "${2:-20}"; }

# 1. Node and npm: required, never skipped.
command -v node > /dev/null || die "node not found: install Node.js >= 18.19 (scripts/install-deps.sh)"
command -v npm > /dev/null || die "npm not found: install npm (scripts/install-deps.sh)"
pass "node $(node --version), npm $(npm --version)"

# 2. The pinned SDK, from the lock file only (the npm cache is used when it has the packages).
mkdir -p "$WORK/app"
cp "$SRC"/package.json "$SRC"/package-lock.json "$SRC"/*.js "$WORK/app/"
if (cd "$WORK/app" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error) > "$WORK/npm.log" 2>&1; then
  pass "npm ci: $(node -p "Object.keys(require('$WORK/app/package.json').dependencies).length") pinned packages from package-lock.json"
else
  fail "npm ci"; show_log "$WORK/npm.log"; finish
fi
APP="$WORK/app"

# 3. The sink, on a port the kernel picks (it writes the port once it serves).
node "$APP/sink.js" --proto-dir "$ROOT/proto" --out "$WORK/received.jsonl" --port-file "$WORK/sink.port" \
  > "$WORK/sink.log" 2>&1 &
sink_pid=$!
watch_pid "$sink_pid"
for _ in $(seq 100); do [[ -s "$WORK/sink.port" ]] && break; kill -0 $sink_pid 2>/dev/null || break; sleep 0.1; done
[[ -s "$WORK/sink.port" ]] || { fail "sink started"; show_log "$WORK/sink.log"; finish; }
sink_port=$(cat "$WORK/sink.port")
pass "sink serving on 127.0.0.1:$sink_port"

# 4. veil serve on a free port, ready when its health service answers SERVING. A port taken
#    between the probe and the bind makes veil exit; then another port is tried.
veil_port=""
for attempt in 1 2 3 4 5; do
  port=$(node "$APP/tools.js" free-port)
  "$VEIL" --log-level info serve --listen "127.0.0.1:$port" --forward "127.0.0.1:$sink_port" --stats \
    > "$WORK/veil.log" 2>&1 &
  veil_pid=$!
  watch_pid "$veil_pid"
  if node "$APP/tools.js" wait-serving "127.0.0.1:$port" 30 "$veil_pid"; then veil_port=$port; break; fi
  stop "$veil_pid"; veil_pid=""
  kill -TERM "${watchers[-1]}" 2>/dev/null; unset 'watchers[-1]'
  echo "        veil did not come up on port $port (attempt $attempt):"; show_log "$WORK/veil.log" 5
done
[[ -n "$veil_port" ]] || die "veil serve started"
pass "veil serve on 127.0.0.1:$veil_port forwarding to 127.0.0.1:$sink_port (health: SERVING)"

# 5. The SDK exports through veil.
if node "$APP/sender.js" --endpoint "127.0.0.1:$veil_port" --expected "$WORK/expected.json" \
    --secrets "$WORK/secrets.txt" > "$WORK/sender.log" 2>&1; then
  pass "$(tail -n 1 "$WORK/sender.log")"
else
  fail "sender: every export acknowledged"; show_log "$WORK/sender.log"
fi

# 6. Field-by-field comparison of what the sink received with what had to arrive.
if [[ -s "$WORK/expected.json" ]]; then
  node "$APP/check.js" --expected "$WORK/expected.json" --received "$WORK/received.jsonl" --wait 20 \
    > "$WORK/check.log" 2>&1
  status=$?
  cat "$WORK/check.log"
  failures=$((failures + $(grep -c '^FAIL' "$WORK/check.log")))
  [[ $status -ne 0 && $(grep -c '^FAIL' "$WORK/check.log") -eq 0 ]] && fail "check.js exited $status"
fi

# 7. No planted secret, whole or its random tail, anywhere downstream: not in the decoded
#    requests, not in their raw bytes (fields the .proto files do not know included).
if [[ -s "$WORK/secrets.txt" ]]; then
  planted=$(wc -l < "$WORK/secrets.txt")
  for file in received.jsonl received.jsonl.bin; do
    if [[ ! -s "$WORK/$file" ]]; then
      fail "sink wrote $file"
    elif leaked=$(grep -a -o -F -f "$WORK/secrets.txt" "$WORK/$file" | sort -u | head -5) && [[ -n "$leaked" ]]; then
      fail "no planted secret in $file; found:"; printf '        %s\n' $leaked
    else
      pass "none of the $planted planted secret strings in $file ($(wc -c < "$WORK/$file") bytes)"
    fi
  done
  markers=$(grep -o '\[REDACTED:[a-z0-9-]*\]' "$WORK/received.jsonl" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
  [[ -n "$markers" ]] && pass "markers received: $markers" || fail "no [REDACTED: marker received"
fi

# 8. veil shuts down cleanly and logs no content.
kill -TERM "$veil_pid"
wait "$veil_pid"; status=$?
veil_pid=""
[[ $status -eq 0 ]] && pass "veil serve: SIGTERM, exit 0" || fail "veil serve: SIGTERM, exit $status"
if [[ -s "$WORK/secrets.txt" ]] && grep -a -q -F -f "$WORK/secrets.txt" "$WORK/veil.log"; then
  fail "veil's log holds no planted secret"
else
  pass "veil's log holds no planted secret ($(grep -c . "$WORK/veil.log") lines)"
fi
stats=$(grep 'exports' "$WORK/veil.log" | tail -n 1)
[[ -n "$stats" ]] && echo "        ${stats#veil: }"

if [[ $failures -gt 0 ]]; then
  for log in sender sink veil; do echo "--- $log.log"; show_log "$WORK/$log.log" 30; done
fi
finish
