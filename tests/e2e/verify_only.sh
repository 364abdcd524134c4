#!/bin/sh
# A drive erased by another tool (here dd) is verified and certified as "verification only";
# one planted sector makes it not_erased, naming the LBA.
. "$(dirname "$0")/common.sh"
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "checker" >/dev/null
new_loop 16M
dd if=/dev/zero of="$LOOP" bs=1M count=16 oflag=direct status=none
expect_rc 0 "$WP" verify "$LOOP" --expect zero --certify --claimed-method "dd if=/dev/zero" --keys "$TMP/keys" \
  --operator "Auditor" --organisation "Org" --out "$TMP/certs"
expect_output "outcome: erased"
CERT=$(ls "$TMP"/certs/*.json)
grep -q '"method_type":"verification_only"' "$CERT" || fail "certificate does not say verification only"
grep -q 'prior method claimed: dd if=/dev/zero' "$CERT" || fail "claimed method not named"
grep -q '"level":"clear"' "$CERT" || fail "level should be clear"
openssl cms -verify -binary -inform DER -in "${CERT%.json}.p7s" -content "$CERT" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "openssl rejects the verification-only certificate"
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$CERT" "$(dirname "$0")/../../docs/certificate.schema.json" || fail "schema"
printf 'leftover' | dd of="$LOOP" bs=512 seek=1234 conv=notrunc oflag=direct status=none 2>/dev/null ||
  { printf 'leftover'; head -c 504 /dev/zero; } | dd of="$LOOP" bs=512 seek=1234 conv=notrunc oflag=direct status=none
expect_rc 5 "$WP" verify "$LOOP" --expect zero --certify --keys "$TMP/keys" --operator "Auditor" --organisation "Org" \
  --out "$TMP/certs2"
expect_output "outcome: not_erased"
expect_output "1234"
expect_rc 2 "$WP" verify "$LOOP" --expect zero --certify --no-sign
echo ok
