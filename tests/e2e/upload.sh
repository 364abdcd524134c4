#!/bin/sh
# `wipeproof upload`: certificates go to a station over HTTPS only when the server presents the
# pinned certificate; the station (tests/e2e/ingest_server.py) verifies each signature with stock
# openssl; accepted ones are not sent twice; a tampered one is refused with the reason.
. "$(dirname "$0")/common.sh"
HERE=$(dirname "$0")
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
for i in 1 2 3; do
  truncate -s 2M "$TMP/disk$i.img"
  "$WP" wipe "$TMP/disk$i.img" --keys "$TMP/keys" --operator Tech --organisation Org --out "$TMP/certs" >/dev/null
done
tls() {  # tls NAME: a self-signed server certificate for localhost / 127.0.0.1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" -days 2 \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.0.2.2" -keyout "$TMP/$1.key" -out "$TMP/$1.pem" 2>/dev/null
}
tls station
tls impostor
mkdir -p "$TMP/store"
python3 "$HERE/ingest_server.py" "$TMP/station.pem" "$TMP/station.key" "$TMP/keys/org-ca.pem" "$TMP/store" "$TMP/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; cleanup' EXIT
i=0
while [ ! -f "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL="https://127.0.0.1:$(cat "$TMP/port")"

# Tamper with the third certificate before anything is sent.
C3=$(ls "$TMP"/certs/*.json | sed -n 3p)
sed -i 's/"Tech"/"Mallory"/' "$C3"

# Wrong pin: nothing leaves the machine.
expect_rc 4 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$TMP/impostor.pem"
expect_output "not the pinned one"
[ -z "$(ls "$TMP/store")" ] || fail "something was stored although the pin did not match"
# Plain http is refused outright.
expect_rc 2 "$WP" upload "$TMP/certs" --station "http://127.0.0.1:1" --station-cert "$TMP/station.pem"
expect_output "only https"

# The right pin: two accepted, the tampered one refused with the station's reason.
expect_rc 4 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$TMP/station.pem"
expect_output "2 accepted, 1 not accepted"
expect_output "signature does not verify"
[ "$(ls "$TMP"/store/*.json | wc -l)" -eq 2 ] || fail "the station should hold 2 certificates"
[ "$(ls "$TMP"/store/*.pdf | wc -l)" -eq 2 ] || fail "the PDFs should travel too"
[ "$(wc -l <"$TMP/certs/uploaded.txt")" -eq 2 ] || fail "uploaded.txt should list 2 ids"
# A second run sends only what is left (the tampered one, refused again).
expect_rc 4 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$TMP/station.pem" --json
expect_output '"accepted":0'
expect_output '"rejected":1'
rm "$C3" "${C3%.json}.p7s" "${C3%.json}.pdf"
expect_rc 0 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$TMP/station.pem"
expect_output "nothing to upload"
expect_rc 0 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$TMP/station.pem" --again
expect_output "already held"
echo ok
