#!/usr/bin/env bash
# gotest.sh runs `go test` with the given arguments, shows its output as it
# comes, and ends with a summary: packages passed, failed and without tests,
# and every failed test by name. Exits with go test's status.
set -uo pipefail

log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$SECONDS
go test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

ok=$(grep -cE '^ok[[:space:]]' "$log")
notests=$(grep -cE '^\?[[:space:]].*\[no test files\]' "$log")
failed=$(grep -E '^FAIL[[:space:]]+[^[:space:]]+' "$log" | awk '{print $2}' | sort -u)

echo
echo "==================== test summary ===================="
echo "go test $*"
echo "packages ok: $ok   without tests: $notests   failed: $(grep -c . <<<"$failed")"
if [ -n "$failed" ]; then
	echo "failed packages:"
	sed 's/^/  /' <<<"$failed"
fi
if grep -qE '^[[:space:]]*--- FAIL: ' "$log"; then
	echo "failed tests:"
	grep -E '^[[:space:]]*--- FAIL: ' "$log" | sed -E 's/^[[:space:]]*/  /'
fi
if [ "$rc" = 0 ]; then
	echo "result: PASS in $((SECONDS - start))s"
else
	echo "result: FAIL (go test exit $rc) in $((SECONDS - start))s"
fi
exit "$rc"
