#!/bin/sh
# Secrets (issue 9, part 5): a signing key readable by group or others is refused before anything
# is written; neither the signing key's material nor the ATA temporary password of a security
# erase ever appears in output, records, certificates, the ledger or the station's log and registry.
. "$(dirname "$0")/common.sh"
export WIPEPROOF_ALLOW_SIM=1
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
truncate -s 4M "$TMP/x.img"
chmod 644 "$TMP/keys/signer.key"
expect_rc 3 "$WP" wipe "$TMP/x.img" --keys "$TMP/keys" --operator Op --organisation Org --out "$TMP/refused"
expect_output "accessible by group or others (mode 644)"
[ ! -e "$TMP/refused" ] || fail "a refused signing key still left output behind"
chmod 640 "$TMP/keys/signer.key"
expect_rc 3 "$WP" wipe "$TMP/x.img" --keys "$TMP/keys" --operator Op --organisation Org --out "$TMP/refused"
chmod 600 "$TMP/keys/signer.key"

# An ATA security erase (temporary password set, erase, cleared) on a simulated drive, signed.
SIM="sim:ata-hdd?size=8M&serial=SEC-0001&caps=-sanitize"
"$WP" wipe "$SIM" --level purge --confirm SEC-0001 --keys "$TMP/keys" --operator Op --organisation Org \
  --out "$TMP/certs" >"$TMP/wipe.out" 2>"$TMP/wipe.err" || true
grep -q "ata-security-erase" "$TMP/wipe.out" || { cat "$TMP/wipe.out" "$TMP/wipe.err"; fail "the security erase did not run"; }
"$WP" wipe "$SIM" --level purge --confirm SEC-0001 --keys "$TMP/keys" --operator Op --organisation Org \
  --out "$TMP/certs" --json >"$TMP/wipe.json" 2>&1 || true
# A signed overwrite killed part-way and resumed: its journal is checked too.
truncate -s 64M "$TMP/j.img"
"$WP" wipe "$TMP/j.img" --method dod3 --keys "$TMP/keys" --operator Op --organisation Org --out "$TMP/certs" \
  --checkpoint-ms 10 >/dev/null 2>&1 &
pid=$!
i=0
while ! grep -qs '"phase":"pass"' "$TMP"/certs/*.journal && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
expect_rc 0 "$WP" resume "$TMP/j.img" --keys "$TMP/keys" --operator Op --organisation Org --out "$TMP/certs"
[ -n "$(ls "$TMP"/certs/*.journal)" ] || fail "no journal to check"
# Key material: every base64 line of the private key, and the ATA password pattern.
sed -n '2,$p' "$TMP/keys/signer.key" | grep -v -- '-----' | cut -c1-40 >"$TMP/key-lines"
[ -s "$TMP/key-lines" ] || fail "could not read the key lines"
for f in "$TMP/wipe.out" "$TMP/wipe.err" "$TMP/wipe.json" "$TMP"/certs/*; do
  [ -f "$f" ] || continue
  if grep -a -F -f "$TMP/key-lines" "$f" >/dev/null; then fail "signing key material found in $f"; fi
  if grep -a -E 'wipeproof-[0-9a-f]{16}' "$f" >/dev/null; then fail "the ATA temporary password found in $f"; fi
done
grep -q '"SECURITY ERASE UNIT' "$TMP"/certs/*.json || fail "the command log (without the password) should be in the record"

# The station: its JSON-lines log and registry hold no password, token or key in clear.
printf '[organisation]\nname = "Org"\n' >"$TMP/site.toml"
D="$TMP/station"
"$WP" station --data "$D" --listen 127.0.0.1:0 --keys "$TMP/keys" --site "$TMP/site.toml" >/dev/null 2>"$TMP/station.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; cleanup' EXIT
wait_for_station "$D" "$TMP/station.log"
echo "a secret passphrase 42" | "$WP" station user add ann --role operator --data "$D" --password-stdin >/dev/null
TOKEN=$(cat "$D/admin.token")
curl -sS --cacert "$D/tls.pem" -H "Content-Type: application/json" \
  -d '{"user":"ann","password":"a secret passphrase 42","totp":"000000"}' "$URL/api/v1/login" >/dev/null
curl -sS --cacert "$D/tls.pem" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/audit" >/dev/null
kill -TERM $PID
wait $PID || true
for f in "$TMP/station.log" "$D/registry.db" "$D"/registry.db-wal; do
  [ -f "$f" ] || continue
  if grep -a -F "a secret passphrase 42" "$f" >/dev/null; then fail "a password in clear in $f"; fi
  if grep -a -F "$TOKEN" "$f" >/dev/null; then fail "an API token in clear in $f"; fi
  if grep -a -F -f "$TMP/key-lines" "$f" >/dev/null; then fail "signing key material in $f"; fi
done
echo ok
