#!/usr/bin/env bash
# `veil serve` settings from the config file, with flags on top: the process is started and
# its Prometheus endpoint (where the config put it) is read. Usage: serve_config_test.sh VEIL
set -u
VEIL=$(realpath "$1")
WORK=$(mktemp -d /tmp/veil-serve-config.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
export VEIL_CACHE_DIR="$WORK/cache"
failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }

# A port nobody listens on now: bind to 0 and read what the kernel chose.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits until GET /metrics on PORT answers, up to 20 s; prints the body.
metrics() {
  for _ in $(seq 200); do
    if curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

listen=$(free_port); metrics_port=$(free_port); flag_metrics_port=$(free_port); downstream=$(free_port)
printf 's3cr3t-token-value-for-test\n' > "$WORK/token"
cat > "$WORK/veil.yaml" <<YAML
serve:
  listen: 127.0.0.1:$listen
  forward: 127.0.0.1:$downstream
  metrics_listen: 127.0.0.1:$metrics_port
  token: {file: token}
  queue: {max_bytes: 123456, dir: spool}
YAML

# 1. Every setting from the file: listener, forward address (no --forward flag), metrics.
"$VEIL" serve --config "$WORK/veil.yaml" 2> "$WORK/err1" &
pids+=($!)
if body=$(metrics "$metrics_port"); then
  pass "serve starts from the config alone (no --forward flag)"
  grep -q '^veil_otlp_queue_bytes 0$' <<< "$body" && pass "metrics served at serve.metrics_listen" \
    || fail "metrics body: $body"
else
  fail "serve starts from the config alone: $(cat "$WORK/err1")"
fi
if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$listen),2)" 2>/dev/null; then
  pass "listens on serve.listen"; else fail "listens on serve.listen"; fi
# The queue directory, relative to the config file, made private.
[[ "$(stat -c %a "$WORK/spool" 2>/dev/null)" == 700 ]] && pass "serve.queue.dir created 0700 next to the config" \
  || fail "serve.queue.dir: $(ls -ld "$WORK/spool" 2>&1)"
kill "${pids[0]}"; wait "${pids[0]}"; code=$?
[[ $code -eq 0 ]] && pass "SIGTERM exits 0" || fail "SIGTERM exit code $code"
grep -q 's3cr3t' "$WORK/err1" && fail "token in veil's log" || pass "token not in veil's log"

# 2. A flag wins over the file.
"$VEIL" serve --config "$WORK/veil.yaml" --metrics-listen "127.0.0.1:$flag_metrics_port" 2> "$WORK/err2" &
pids+=($!)
if metrics "$flag_metrics_port" > /dev/null; then pass "--metrics-listen overrides serve.metrics_listen"
else fail "--metrics-listen overrides serve.metrics_listen: $(cat "$WORK/err2")"; fi
curl -fsS "http://127.0.0.1:$metrics_port/metrics" > /dev/null 2>&1 \
  && fail "the config's metrics address is not used as well" || pass "the config's metrics address is not used as well"
kill "${pids[1]}"; wait "${pids[1]}"

# 3. No forward address anywhere: a clear error, exit 2.
"$VEIL" serve --listen "127.0.0.1:$listen" > /dev/null 2> "$WORK/err3"; code=$?
if [[ $code -eq 2 ]] && grep -q 'serve.forward' "$WORK/err3"; then pass "missing forward address named"
else fail "missing forward address: exit $code, $(cat "$WORK/err3")"; fi

# 3b. A queue directory that cannot be made: a clear error naming it, exit 2.
touch "$WORK/plain-file"
"$VEIL" serve --listen "127.0.0.1:$listen" --forward "127.0.0.1:$downstream" --queue-dir "$WORK/plain-file/q" \
  > /dev/null 2> "$WORK/err3b"; code=$?
if [[ $code -eq 2 ]] && grep -q "plain-file/q" "$WORK/err3b"; then pass "unusable --queue-dir named"
else fail "unusable --queue-dir: exit $code, $(cat "$WORK/err3b")"; fi

# 4. `veil config check` points at the bad serve key's line.
printf 'packs: [secrets]\nserve:\n  forward: nowhere\n' > "$WORK/bad.yaml"
"$VEIL" config check "$WORK/bad.yaml" > /dev/null 2> "$WORK/err4"; code=$?
if [[ $code -eq 2 ]] && grep -q "bad.yaml:3: 'serve.forward' must be HOST:PORT" "$WORK/err4"; then
  pass "config check names the bad serve key"; else fail "config check: exit $code, $(cat "$WORK/err4")"; fi

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
