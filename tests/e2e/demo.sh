#!/bin/sh
# The README's main job: a scratch ext4 image of patient records is wiped and verified.
. "$(dirname "$0")/common.sh"
expect_rc 0 "$WP" demo --dir "$TMP/demo"
expect_output "before: marker found 5 time(s)"
expect_output "signatures: ext4"
expect_output "after: marker found 0 time(s) in the raw image; signatures: none"
expect_output "outcome: erased"
RECORD=$(ls "$TMP"/demo/certs/*.json)
grep -q '"outcome": "erased"' "$RECORD" || fail "record does not say erased"
if grep -a -q WIPEPROOF-DEMO-PATIENT-RECORD "$TMP/demo/scratch-disk.img"; then fail "marker survived"; fi
echo ok
