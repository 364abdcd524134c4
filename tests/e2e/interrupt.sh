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
grep -q '"resumable":true' "$TMP/progress" || fail "done event does not say the job can be resumed"
# Not over yet: no record or certificate, only the journal, which `jobs` lists.
[ -z "$(ls "$TMP"/certs/*.json 2>/dev/null)" ] || fail "an interrupted, resumable job wrote a record"
J=$(ls "$TMP"/certs/*.journal)
expect_rc 0 "$WP" jobs --out "$TMP/certs"
expect_output "unfinished.*gutmann"
expect_output "wipeproof resume $TMP/big.img --out $TMP/certs"
# Without a journal (the output directory cannot take one) nothing is written at all.
: >"$TMP/not-a-dir"
truncate -s 4M "$TMP/small.img"
before=$(checksum "$TMP/small.img")
expect_rc 4 "$WP" wipe "$TMP/small.img" --no-sign --out "$TMP/not-a-dir/sub"
[ "$(checksum "$TMP/small.img")" = "$before" ] || fail "a wipe that could not start its journal wrote to the image"
echo ok
