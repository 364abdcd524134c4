#!/bin/sh
# SIGINT mid-pass stops cleanly after the current block; the record says interrupted; exit 130.
. "$(dirname "$0")/common.sh"
truncate -s 2G "$TMP/big.img"
"$WP" wipe "$TMP/big.img" --method gutmann --json --no-sign --out "$TMP/certs" >"$TMP/progress" 2>&1 &
pid=$!
i=0
while ! grep -q '"event":"progress"' "$TMP/progress" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
[ "$rc" = 130 ] || { cat "$TMP/progress"; fail "expected exit 130, got $rc"; }
grep -q '"outcome":"interrupted"' "$TMP/progress" || fail "done event lacks interrupted"
RECORD=$(ls "$TMP"/certs/*.json)
grep -q '"outcome": "interrupted"' "$RECORD" || fail "record does not say interrupted"
grep -q '"status": "interrupted"' "$RECORD" || fail "no pass marked interrupted"
echo ok
