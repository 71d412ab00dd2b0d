#!/usr/bin/env bash
# End-to-end: where memory cannot be made executable (systemd's MemoryDenyWriteExecute, as
# deploy/systemd sets up for `veil serve`), PCRE2's JIT is unavailable and RE2 finds every span:
# every rule's examples still pass, output is byte for byte what the JIT gives, and a warning
# says why it is slower. Usage: without_jit_test.sh PATH/TO/veil PATH/TO/deny_exec_memory
set -u
VEIL=$(realpath "$1")
DENY=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/veil-nojit.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export VEIL_PATTERNS_DIR="$ROOT/patterns" VEIL_CACHE_DIR="$WORK/cache"
failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }

"$DENY" /bin/true
status=$?
if [[ $status -eq 77 ]]; then echo "skip: this kernel cannot deny executable memory (PR_SET_MDWE)"; exit 77; fi
[[ $status -eq 0 ]] || { echo "FAIL  deny_exec_memory runs a command"; exit 1; }

if "$DENY" "$VEIL" rules test > "$WORK/rules.out" 2>&1; then
  pass "every rule's examples pass without the JIT"
else
  tail -20 "$WORK/rules.out"; fail "every rule's examples pass without the JIT"
fi

cat "$ROOT"/examples/*.log "$ROOT"/examples/*.ndjson > "$WORK/in"
# Loghub lines, where present, for volume: spans in ordinary text too.
head -qn 2000 "$ROOT"/../shared/data/loghub/*.log >> "$WORK/in" 2>/dev/null
"$VEIL" < "$WORK/in" > "$WORK/jit.out" 2> "$WORK/jit.err"
"$DENY" "$VEIL" < "$WORK/in" > "$WORK/re2.out" 2> "$WORK/re2.err"
if cmp -s "$WORK/jit.out" "$WORK/re2.out"; then pass "same output with and without the JIT ($(wc -l < "$WORK/in") lines)"; else fail "same output with and without the JIT"; fi
grep -q '\[REDACTED:' "$WORK/re2.out" && pass "something was redacted" || fail "something was redacted"
grep -q 'no JIT for span regexes' "$WORK/re2.err" && pass "a warning says there is no JIT" || fail "a warning says there is no JIT"
grep -q 'JIT' "$WORK/jit.err" && fail "no warning where the JIT runs" || pass "no warning where the JIT runs"
exit $((failures > 0))
