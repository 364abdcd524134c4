#!/bin/sh
# Signed certificates end to end: keys, site file and flags, a wipe of a real loop device, the
# stock-openssl check, wipeproof cert verify, JSON Schema, PDF text/fonts/QR, countersigning,
# untrusted CAs, timestamps from a local TSA, the ledger, and bad input.
. "$(dirname "$0")/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMA="$HERE/../../docs/certificate.schema.json"
TSA_PID=""
trap 'kill $TSA_PID 2>/dev/null; cleanup' EXIT

# --- keys -------------------------------------------------------------------------------------
expect_rc 0 "$WP" keys init --dir "$TMP/keys" --organisation "Test Hospital" --signer "station-1"
[ "$(stat -c %a "$TMP/keys/signer.key")" = 600 ] || fail "signer.key is not 0600"
[ "$(stat -c %a "$TMP/keys/org-ca.key")" = 600 ] || fail "org-ca.key is not 0600"
expect_rc 2 "$WP" keys init --dir "$TMP/keys" --organisation "Test Hospital" --signer "station-1"
expect_output "already exists; not overwriting"
expect_rc 0 "$WP" keys show --dir "$TMP/keys"
expect_output "CN = station-1"
if grep -q "PRIVATE KEY" "$TMP/out"; then fail "keys show printed a private key"; fi

cat >"$TMP/site.toml" <<'TOML'
station_id = "rack-1"
[organisation]
name = "Test Hospital"
location = "Tokyo, server room B"
[data_owner]
name = "Test Clinic"
[operator]
name = "Sato Hanako"
title = "sanitization technician"
contact = "+81-3-0000-0000"
[validator]
name = "Suzuki Ichiro"
title = "情報システム運用責任者"
[media]
backup = "yes"
backup_location = "backup NAS 2"
[disposition]
destination = "recycle"
notes = "sent to recycler after wipe"
TOML

# --- missing operator: refused before any write ------------------------------------------------
new_loop 32M
mkfs.ext4 -q "$LOOP"
before=$(checksum "$LOOP")
expect_rc 2 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME" --keys "$TMP/keys" --organisation "Test Hospital" --out "$TMP/certs"
expect_output "needs the operator"
expect_rc 2 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME" --keys "$TMP/nokeys" --site "$TMP/site.toml" --out "$TMP/certs"
expect_output "no signing keys"
printf 'station_id = \n' >"$TMP/bad.toml"
expect_rc 2 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME" --keys "$TMP/keys" --site "$TMP/bad.toml" --out "$TMP/certs"
expect_output "bad.toml:1"
[ "$(checksum "$LOOP")" = "$before" ] || fail "a refused signing setup changed the device"
[ ! -e "$TMP/certs" ] || fail "a refused signing setup wrote files"

# --- a real wipe, signed; flags win over the site file ----------------------------------------
expect_rc 0 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME" --keys "$TMP/keys" --site "$TMP/site.toml" \
  --asset-number "PC-0042" --disposition internal_reuse --out "$TMP/certs"
expect_output "certificate: "
CERT=$(ls "$TMP"/certs/*.json)
BASE=${CERT%.json}
for ext in p7s pdf; do [ -s "$BASE.$ext" ] || fail "$BASE.$ext missing"; done
[ -s "$TMP/certs/ledger.jsonl" ] || fail "ledger missing"
grep -q '"destination":"internal_reuse"' "$CERT" || fail "--disposition did not override the site file"
grep -q '"asset_number":"PC-0042"' "$CERT" || fail "--asset-number missing"
grep -q '"name":"Sato Hanako"' "$CERT" || fail "operator from the site file missing"
grep -q '"made":"yes"' "$CERT" || fail "backup from the site file missing"
grep -q '"result":"erased"' "$CERT" || fail "certificate does not say erased"
grep -q '"level":"clear"' "$CERT" || fail "certificate does not say clear"
[ "$(tail -c 1 "$CERT" | od -An -c | tr -d ' ')" = "}" ] || fail "certificate is not the bare canonical bytes"

# The auditor's one-liner, stock openssl only.
openssl cms -verify -binary -inform DER -in "$BASE.p7s" -content "$CERT" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>"$TMP/ossl" || { cat "$TMP/ossl"; fail "openssl cms -verify failed"; }
expect_rc 0 "$WP" cert verify "$CERT" --ca "$TMP/keys/org-ca.pem" --ledger "$TMP/certs/ledger.jsonl"
expect_output "verdict: VALID"
expect_rc 0 "$WP" cert show "$CERT"
expect_output "result:       erased"
# The JSON Schema the docs publish accepts it.
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$CERT" "$SCHEMA" || fail "certificate does not validate against docs/certificate.schema.json"
# The certificate alone is enough to re-verify the device later.
expect_rc 0 "$WP" verify "$LOOP" --record "$CERT"
expect_output "PASSED"
# A second person's re-verification, signed with their key, also checks with stock openssl.
expect_rc 0 "$WP" verify "$LOOP" --record "$CERT" --verify sample --out "$TMP/reverify" --keys "$TMP/keys"
V=$(ls "$TMP"/reverify/*.json)
openssl cms -verify -binary -inform DER -in "${V%.json}.p7s" -content "$V" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "signed re-verification report does not verify"

# --- PDF --------------------------------------------------------------------------------------
pdftotext "$BASE.pdf" "$TMP/pdf.txt"
grep -q "データ消去証明書" "$TMP/pdf.txt" || fail "PDF lacks the Japanese title"
grep -q "対象媒体" "$TMP/pdf.txt" || fail "PDF lacks the Japanese headings"
grep -q "$LOOP_NAME" "$TMP/pdf.txt" || fail "PDF lacks the media serial / device name"
grep -q "erased" "$TMP/pdf.txt" || fail "PDF lacks the result"
grep -q "Sato Hanako" "$TMP/pdf.txt" || fail "PDF lacks the operator"
pdffonts "$BASE.pdf" | grep -i "IPAGothic" | grep -q " yes " || fail "CJK font not embedded"
pdftoppm -r 150 -png "$BASE.pdf" "$TMP/page"
QR=$(zbarimg -q --raw "$TMP"/page-1.png 2>/dev/null)
ID=$(basename "$BASE")
[ "$QR" = "wipeproof-cert:$ID:sha256:$(checksum "$CERT")" ] || fail "QR holds '$QR'"
expect_rc 0 "$WP" cert render "$CERT" --pdf "$TMP/en.pdf" --lang en --ca "$TMP/keys/org-ca.pem"
pdftotext "$TMP/en.pdf" - | grep -q "Certificate of Data Sanitization" || fail "English PDF lacks its title"
expect_rc 2 "$WP" cert render "$CERT" --pdf "$TMP/x.pdf" --lang fr

# --- untrusted signer: a different organisation's CA ------------------------------------------
expect_rc 0 "$WP" keys init --dir "$TMP/other" --organisation "Other Org" --signer "intruder"
expect_rc 7 "$WP" cert verify "$CERT" --ca "$TMP/other/org-ca.pem"
expect_output "verdict: UNTRUSTED"
if openssl cms -verify -binary -inform DER -in "$BASE.p7s" -content "$CERT" -CAfile "$TMP/other/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null; then fail "openssl trusted a foreign CA"; fi

# --- validator countersigns (NIST Rev. 2 validation) ------------------------------------------
expect_rc 0 "$WP" keys issue --ca-dir "$TMP/keys" --dir "$TMP/validator" --signer "Suzuki Ichiro"
expect_rc 0 "$WP" cert countersign "$CERT" --keys "$TMP/validator"
[ -s "$BASE.validator.p7s" ] || fail "no validator signature"
openssl cms -verify -binary -inform DER -in "$BASE.validator.p7s" -content "$CERT" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "openssl rejects the validator signature"
expect_rc 0 "$WP" cert verify "$CERT" --ca "$TMP/keys/org-ca.pem"
expect_output "validator signature: valid (signer O = Test Hospital, CN = Suzuki Ichiro)"
expect_rc 2 "$WP" cert countersign "$CERT" --keys "$TMP/validator"
expect_output "already exists"

# --- importing existing PEM files -------------------------------------------------------------
expect_rc 0 "$WP" keys import --dir "$TMP/imported" --ca "$TMP/keys/org-ca.pem" --cert "$TMP/validator/signer.pem" \
  --key "$TMP/validator/signer.key"
expect_rc 2 "$WP" keys import --dir "$TMP/imported2" --ca "$TMP/keys/org-ca.pem" --cert "$TMP/validator/signer.pem" \
  --key "$TMP/keys/signer.key"
expect_output "does not belong to"
expect_rc 2 "$WP" keys import --dir "$TMP/imported3" --ca "$TMP/other/org-ca.pem" --cert "$TMP/validator/signer.pem" \
  --key "$TMP/validator/signer.key"
expect_output "does not chain to the CA"

# --- tampering: every byte, and canonical forgeries of field values ---------------------------
python3 "$HERE/tamper.py" "$WP" "$CERT" "$BASE.p7s" "$TMP/keys/org-ca.pem" "$TMP" || fail "tampering not caught"
# A tampered certificate is not countersigned.
cp "$CERT" "$TMP/forged.json"
cp "$BASE.p7s" "$TMP/forged.p7s"
sed -i 's/"result":"erased"/"result":"not_erased"/' "$TMP/forged.json"
expect_rc 6 "$WP" cert countersign "$TMP/forged.json" --keys "$TMP/validator"

# --- bad input: truncated and garbage files ---------------------------------------------------
head -c 100 "$CERT" >"$TMP/trunc.json"
cp "$BASE.p7s" "$TMP/trunc.p7s"
expect_rc 8 "$WP" cert verify "$TMP/trunc.json" --ca "$TMP/keys/org-ca.pem"
expect_output "verdict: MALFORMED"
cp "$CERT" "$TMP/garbage.json"
head -c 300 /dev/urandom >"$TMP/garbage.p7s"
expect_rc 8 "$WP" cert verify "$TMP/garbage.json" --ca "$TMP/keys/org-ca.pem"
head -c 200 "$BASE.p7s" >"$TMP/garbage.p7s"
expect_rc 8 "$WP" cert verify "$TMP/garbage.json" --ca "$TMP/keys/org-ca.pem"
rm "$TMP/garbage.p7s"
expect_rc 8 "$WP" cert verify "$TMP/garbage.json"
expect_output "MISSING"
expect_rc 2 "$WP" cert verify "$TMP/nothing.json"
echo '{"not":"a certificate"}' >"$TMP/notcert.json"
expect_rc 8 "$WP" cert show "$TMP/notcert.json"
echo "not a PEM" >"$TMP/bad-ca.pem"
expect_rc 8 "$WP" cert verify "$CERT" --ca "$TMP/bad-ca.pem"

# --- ledger: three certificates, then delete / reorder / alter --------------------------------
for i in 1 2; do
  truncate -s 4M "$TMP/img$i.img"
  expect_rc 0 "$WP" wipe "$TMP/img$i.img" --keys "$TMP/keys" --site "$TMP/site.toml" --out "$TMP/certs"
done
L="$TMP/certs/ledger.jsonl"
[ "$(wc -l <"$L")" = 3 ] || fail "ledger should hold 3 entries"
expect_rc 0 "$WP" ledger verify "$L"
expect_output "3 entries; intact"
sed '2d' "$L" >"$TMP/l-deleted.jsonl"
expect_rc 6 "$WP" ledger verify "$TMP/l-deleted.jsonl"
expect_output "line 2: entry seq 3 where seq 2 was expected"
{ sed -n 1p "$L"; sed -n 3p "$L"; sed -n 2p "$L"; } >"$TMP/l-reordered.jsonl"
expect_rc 6 "$WP" ledger verify "$TMP/l-reordered.jsonl"
expect_output "line 2: entry seq 3"
sed '2s/"issued_at":"2/"issued_at":"1/' "$L" >"$TMP/l-altered.jsonl"
expect_rc 6 "$WP" ledger verify "$TMP/l-altered.jsonl"
expect_output "line 2: entry seq 2 .* was altered"
printf 'garbage\n' >>"$TMP/l-garbage.jsonl"
expect_rc 6 "$WP" ledger verify "$TMP/l-garbage.jsonl"
expect_output "line 1: not a canonical JSON entry"
expect_rc 2 "$WP" ledger verify "$TMP/no-ledger.jsonl"
# A certificate whose ledger entry was removed is not "included".
expect_rc 6 "$WP" cert verify "$CERT" --ca "$TMP/keys/org-ca.pem" --ledger "$TMP/l-deleted.jsonl"
# Appending to a broken ledger is refused (the certificate itself is still written).
cp "$TMP/l-altered.jsonl" "$TMP/broken.jsonl"
truncate -s 4M "$TMP/img3.img"
expect_rc 4 "$WP" wipe "$TMP/img3.img" --keys "$TMP/keys" --site "$TMP/site.toml" --out "$TMP/certs3" --ledger "$TMP/broken.jsonl"
expect_output "ledger .* is broken at line 2"

# --- RFC 3161 timestamp from a local TSA ------------------------------------------------------
mkdir -p "$TMP/tsa"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/tsa/ca.key" \
  -out "$TMP/tsa/tsa-ca.pem" -subj "/CN=Test TSA CA" -days 30 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/tsa/tsa.key" \
  -out "$TMP/tsa/tsa.csr" -subj "/CN=Test TSA" 2>/dev/null
printf 'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n' >"$TMP/tsa/ext.cnf"
openssl x509 -req -in "$TMP/tsa/tsa.csr" -CA "$TMP/tsa/tsa-ca.pem" -CAkey "$TMP/tsa/ca.key" -CAcreateserial \
  -out "$TMP/tsa/tsa.pem" -days 30 -extfile "$TMP/tsa/ext.cnf" 2>/dev/null
echo 01 >"$TMP/tsa/serial"
cat >"$TMP/tsa/ts.cnf" <<CNF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = $TMP/tsa
serial = \$dir/serial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
certs = \$dir/tsa-ca.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
python3 "$HERE/local_tsa.py" "$TMP/tsa/ts.cnf" "$TMP/tsa/port" &
TSA_PID=$!
i=0
while [ ! -s "$TMP/tsa/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$TMP/tsa/port")
truncate -s 4M "$TMP/img4.img"
expect_rc 0 "$WP" wipe "$TMP/img4.img" --keys "$TMP/keys" --site "$TMP/site.toml" --out "$TMP/certs4" \
  --tsa "http://127.0.0.1:$PORT/tsa"
TCERT=$(ls "$TMP"/certs4/*.json)
expect_rc 0 "$WP" cert verify "$TCERT" --ca "$TMP/keys/org-ca.pem" --tsa-ca "$TMP/tsa/tsa-ca.pem"
expect_output "timestamp: valid"
openssl cms -verify -binary -inform DER -in "${TCERT%.json}.p7s" -content "$TCERT" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "openssl rejects the timestamped signature"
expect_rc 7 "$WP" cert verify "$TCERT" --ca "$TMP/keys/org-ca.pem" --tsa-ca "$TMP/keys/org-ca.pem"
expect_output "timestamp: FAILED"
# A TSA that does not answer: the certificate is still issued, with a warning.
truncate -s 4M "$TMP/img5.img"
expect_rc 0 "$WP" wipe "$TMP/img5.img" --keys "$TMP/keys" --site "$TMP/site.toml" --out "$TMP/certs5" \
  --tsa "http://127.0.0.1:1/tsa"
expect_output "warning: no timestamp"

# --- passphrase-protected keys ----------------------------------------------------------------
echo "correct horse" >"$TMP/pass"
expect_rc 0 "$WP" keys init --dir "$TMP/pkeys" --organisation "Test Hospital" --signer "station-2" --passphrase-file "$TMP/pass"
grep -q "ENCRYPTED PRIVATE KEY" "$TMP/pkeys/signer.key" || fail "key not encrypted"
truncate -s 4M "$TMP/img6.img"
img_before=$(checksum "$TMP/img6.img")
expect_rc 2 "$WP" wipe "$TMP/img6.img" --keys "$TMP/pkeys" --site "$TMP/site.toml" --out "$TMP/certs6"
expect_output "wrong passphrase"
[ "$(checksum "$TMP/img6.img")" = "$img_before" ] || fail "wrong passphrase but the image was written"
expect_rc 0 "$WP" wipe "$TMP/img6.img" --keys "$TMP/pkeys" --passphrase-file "$TMP/pass" --site "$TMP/site.toml" --out "$TMP/certs6"
echo ok
