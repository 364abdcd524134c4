#!/bin/sh
# The README's main job: a scratch ext4 image of patient records is wiped and verified.
. "$(dirname "$0")/common.sh"
expect_rc 0 "$WP" demo --dir "$TMP/demo"
expect_output "before: marker found 5 time(s)"
expect_output "signatures: ext4"
expect_output "after: marker found 0 time(s) in the raw image; signatures: none"
expect_output "outcome: erased"
CERT=$(ls "$TMP"/demo/certs/*.json)
grep -q '"result":"erased"' "$CERT" || fail "certificate does not say erased"
BASE=${CERT%.json}
[ -s "$BASE.p7s" ] && [ -s "$BASE.pdf" ] || fail "demo did not write the signature and the PDF"
openssl cms -verify -binary -inform DER -in "$BASE.p7s" -content "$CERT" -CAfile "$TMP/demo/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "openssl does not verify the demo certificate"
if grep -a -q WIPEPROOF-DEMO-PATIENT-RECORD "$TMP/demo/scratch-disk.img"; then fail "marker survived"; fi
echo ok
