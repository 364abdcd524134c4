#!/bin/sh
# The planner on the host's only block devices (loop): no firmware path, so a purge request falls
# back to a verified overwrite recorded as clear, with the reason, in the record and the signed
# certificate. Also ata-unlock and the firmware options' bad input.
. "$(dirname "$0")/common.sh"
new_loop 32M
expect_rc 0 "$WP" plan "$LOOP"
expect_output "chosen:    overwrite (clear)"
expect_output "shortfall: purge requested, but no Purge method is available"
expect_rc 0 "$WP" plan "$LOOP" --level clear --json
expect_output '"meets_request": true'
expect_rc 0 "$WP" devices --detail "$LOOP" --json
expect_output '"bus": "loop"'
expect_rc 2 "$WP" plan "$LOOP" --level strong
expect_rc 2 "$WP" wipe "$LOOP" --level purge --method zero --confirm "$LOOP_NAME" --no-sign
expect_output "not both"
expect_rc 0 "$WP" wipe "$LOOP" --level purge --dry-run
expect_output "chosen:    overwrite"

"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "s" >/dev/null
expect_rc 0 "$WP" wipe "$LOOP" --level purge --confirm "$LOOP_NAME" --keys "$TMP/keys" --operator Op \
  --organisation Org --out "$TMP/certs"
expect_output "level: clear (requested purge): purge requested"
CERT=$(ls "$TMP"/certs/*.json)
grep -q '"level":"clear"' "$CERT" || fail "certificate level is not clear"
grep -q '"requested_level":"purge"' "$CERT" || fail "certificate lacks the requested level"
grep -q 'no Purge method is available' "$CERT" || fail "certificate lacks the shortfall reason"
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$CERT" "$(dirname "$0")/../../docs/certificate.schema.json" || fail "schema"
# ata-unlock needs an ATA drive and a recovery file.
expect_rc 3 "$WP" ata-unlock "$TMP/certs" --recovery /nonexistent
expect_rc 2 "$WP" ata-unlock "$TMP/certs/$(basename "$CERT")" --recovery /nonexistent
expect_output "needs an ATA block device"
echo ok
