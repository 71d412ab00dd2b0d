#!/usr/bin/env bash
# End-to-end: rsyslog runs veil through mmexternal with deploy/rsyslog/veil.conf, receives
# messages over TCP and writes them to a file: secrets masked, everything else as sent, one
# message out per message in. Needs rsyslogd (Debian package rsyslog; fails without it).
# Usage: rsyslog_test.sh PATH/TO/veil
set -u
VEIL=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/veil-rsyslog.XXXXXX)
rsyslog_pid=
cleanup() {
  [[ -n "$rsyslog_pid" ]] && kill "$rsyslog_pid" 2>/dev/null && wait "$rsyslog_pid" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
die() { printf 'FAIL  %s\n' "$1"; exit 1; }

RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[[ -x "$RSYSLOGD" ]] || die "rsyslogd is installed (apt-get install rsyslog)"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The deploy snippet as shipped, pointed at this build's binary.
sed "s|/usr/local/bin/veil|$VEIL|; s|/var/cache/veil|$WORK/cache|" "$ROOT/deploy/rsyslog/veil.conf" > "$WORK/veil.conf"
grep -q "$WORK/cache" "$WORK/veil.conf" || die "the deploy file names the cache directory"
cat > "$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$port")
template(name="message" type="string" string="%msg%\n")
include(file="$WORK/veil.conf")
action(type="omfile" file="$WORK/out.log" template="message")
CONF
"$RSYSLOGD" -N1 -f "$WORK/rsyslog.conf" > "$WORK/check.log" 2>&1 || { cat "$WORK/check.log"; die "rsyslog accepts the config"; }
# rsyslog starts veil with an empty environment: the packs are found next to the binary, the
# cache through the flag in the deploy file.
"$RSYSLOGD" -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" > "$WORK/rsyslogd.log" 2>&1 &
rsyslog_pid=$!
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.1
done

TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
AWS=AKIAQ7XK2M4P6R8T0V3W
sent=(
  "user alice logged in from 10.1.2.3"
  "calling api with token $TOKEN"
  "retrying upload, attempt 3 of 5"
  "export AWS_ACCESS_KEY_ID=$AWS"
  "{\"level\":\"info\",\"password\":\"Correct-Horse-9\",\"user\":\"bob\"}"
  "quotes \"stay\" and back\\slashes too"
)
for message in "${sent[@]}"; do
  logger --tcp --server 127.0.0.1 --port "$port" --tag app -- "$message"
done
for _ in $(seq 100); do
  [[ -f "$WORK/out.log" ]] && [[ $(wc -l < "$WORK/out.log") -ge ${#sent[@]} ]] && break
  sleep 0.1
done
[[ -f "$WORK/out.log" ]] || { cat "$WORK/rsyslogd.log"; die "rsyslog wrote the messages"; }
mapfile -t got < "$WORK/out.log"
[[ ${#got[@]} -eq ${#sent[@]} ]] && pass "one message out per message in (${#got[@]})" \
  || fail "one message out per message in: ${#got[@]} of ${#sent[@]}"
# rsyslog keeps the space after the tag in %msg%; compare without it.
strip() { local m=$1; echo "${m# }"; }
[[ "$(strip "${got[0]}")" == "${sent[0]}" ]] && pass "a message without secrets is unchanged" || fail "unchanged message: ${got[0]}"
[[ "$(strip "${got[2]}")" == "${sent[2]}" ]] && pass "another one too" || fail "unchanged message: ${got[2]}"
[[ "${got[1]}" != *"$TOKEN"* && "${got[1]}" == *"calling api with token [REDACTED:"* ]] && pass "GitHub token masked" || fail "token: ${got[1]}"
[[ "${got[3]}" != *"$AWS"* && "${got[3]}" == *"export AWS_ACCESS_KEY_ID=[REDACTED:"* ]] && pass "AWS key masked" || fail "aws: ${got[3]}"
[[ "${got[4]}" != *"Correct-Horse-9"* && "${got[4]}" == *'"user":"bob"}'* ]] && pass "JSON message: password masked, the rest kept" || fail "json: ${got[4]}"
[[ "$(strip "${got[5]}")" == "${sent[5]}" ]] && pass "quotes and backslashes survive the JSON round trip" || fail "escapes: ${got[5]}"
ls "$WORK"/cache/*.hsdb > /dev/null 2>&1 && pass "veil under rsyslog caches its compiled rules" || fail "no compiled-rule cache in $WORK/cache"

echo
if [[ $failures -gt 0 ]]; then echo "$failures rsyslog check(s) failed"; exit 1; fi
echo "all rsyslog checks passed"
