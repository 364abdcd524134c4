#!/bin/sh
# Destruction and chain of custody (issue 8). A simulated drive whose sectors 100-103 cannot be
# written fails its wipe and is queued for destruction in the custody registry; `destroy prepare`
# reads it and prints a label whose QR decodes to its serial and custody id; `destroy record` with
# two photos issues a destruction certificate that stock openssl verifies and that names both
# photo digests; a changed photo is caught by `cert verify --evidence`. A contractor destruction
# without a hand-over is flagged as a gap; a batch hand-over with a manifest and the contractor's
# confirmation makes a complete chain; a serial never received is refused; bad input records
# nothing; a degauss check tells a dead drive from a readable one.
. "$(dirname "$0")/common.sh"
export WIPEPROOF_ALLOW_SIM=1
"$WP" keys init --dir "$TMP/keys" --organisation "Clinic" --signer "Disposal desk" >/dev/null
REG="$TMP/custody.db"
OUT="$TMP/certs"
SIGN="--keys $TMP/keys --organisation Clinic --out $OUT --registry $REG"
sim() { echo "sim:ata-hdd?size=8M&backing=$TMP/$1.img&serial=$1${2:+&$2}"; }
events() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from custody_events').fetchone()[0])" "$REG"; }
files() { ls "$OUT" 2>/dev/null | wc -l; }

# 1. A failed wipe queues the drive for destruction.
expect_rc 5 "$WP" wipe "$(sim WD-FAIL01 fault=write:100-103)" --method random --confirm WD-FAIL01 --operator "Taro Yamada" $SIGN
expect_output "custody: WPC-.* (wipe failed: queued for destruction)"
expect_rc 0 "$WP" custody list --awaiting-destruction --registry "$REG"
expect_output "WD-FAIL01 .*queued_for_destruction"

# 2. Prepare: identity and SMART read while it still answers; the label's QR holds serial + custody id.
expect_rc 0 "$WP" destroy prepare "$(sim WD-FAIL01)" --reason wipe_failed --by "Taro Yamada" --registry "$REG" --label "$TMP/label.png"
CID=$(sed -n 's/^\(WPC-[0-9A-F]*\) serial WD-FAIL01.*/\1/p' "$TMP/out")
[ -n "$CID" ] || fail "no custody id printed"
grep -q "SMART: ATA SMART" "$TMP/out" || fail "SMART not read at prepare"
QR=$(zbarimg -q --raw "$TMP/label.png" 2>/dev/null)
[ "$QR" = "wipeproof-custody:$CID:serial:WD-FAIL01" ] || fail "label QR decodes to '$QR'"

# 3. Bad input records nothing.
printf 'photo one' >"$TMP/before.jpg"
printf 'photo two' >"$TMP/after.jpg"
N0=$(events)
F0=$(files)
REC="--serial WD-FAIL01 --operator Taro --witness Hanako --device HSM-Powerline --place Tokyo $SIGN"
expect_rc 2 "$WP" destroy record --method microwave --evidence "$TMP/before.jpg" $REC
expect_output "method must be"
expect_rc 2 "$WP" destroy record --method incinerate --particle-mm 2 --evidence "$TMP/before.jpg" $REC
expect_output "particle-mm applies to shredding"
expect_rc 2 "$WP" destroy record --method shred --evidence "$TMP/missing.jpg" $REC
expect_output "missing.jpg: no such file"
expect_rc 2 "$WP" destroy record --method shred --din-level H-9 --evidence "$TMP/before.jpg" $REC
expect_output "DIN 66399"
expect_rc 3 "$WP" destroy record --method shred --evidence "$TMP/before.jpg" --serial NEVER-SEEN --operator Taro \
  --witness Hanako --device HSM --place Tokyo $SIGN
expect_output "NEVER-SEEN was never received into custody: nothing recorded"
[ "$(events)" = "$N0" ] && [ "$(files)" = "$F0" ] || fail "a refused record left events or files behind"

# 4. The destruction, linked by the scanned label; two photos.
expect_rc 0 "$WP" destroy record --label-text "$QR" --method shred --particle-mm 2 --din-level H-5 --operator "Taro Yamada" \
  --witness "Hanako Sato" --device "HSM Powerline HDS 230" --place "Tokyo, room 3" \
  --evidence "$TMP/before.jpg" "$TMP/after.jpg" $SIGN
expect_output "custody:     $CID complete"
C=$(sed -n 's/^destruction certificate: //p' "$TMP/out")
openssl cms -verify -binary -inform DER -in "${C%.json}.p7s" -content "$C" -CAfile "$TMP/keys/org-ca.pem" -purpose any \
  -out /dev/null 2>/dev/null || fail "stock openssl does not verify the destruction certificate"
for f in before.jpg after.jpg; do
  grep -q "$(sha256sum "$TMP/$f" | cut -d' ' -f1)" "$C" || fail "the certificate does not name $f's digest"
done
grep -q '"level":"destruct"' "$C" || fail "level is not destruct"
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$C" "$(dirname "$0")/../../docs/destruction.schema.json" || fail "the certificate does not validate against docs/destruction.schema.json"
head -c 5 "${C%.json}.pdf" | grep -q "%PDF-" || fail "no PDF"
expect_rc 0 "$WP" cert verify "$C" --ca "$TMP/keys/org-ca.pem"
expect_output "evidence after.jpg: ok"
printf 'retouched' >>"${C%.json}.evidence/after.jpg"
expect_rc 6 "$WP" cert verify "$C" --ca "$TMP/keys/org-ca.pem" --evidence "${C%.json}.evidence"
expect_output "evidence after.jpg: CHANGED"
expect_rc 0 "$WP" custody show "$CID" --registry "$REG"
expect_output "certificate_issued"

# 5. A contractor destroys a drive that was never handed over: flagged.
expect_rc 0 "$WP" destroy prepare --serial DEAD-0002 --model "Seagate ST1000" --reason drive_dead --by Taro --registry "$REG" \
  --label "$TMP/dead.pdf"
expect_output "identity typed, not read"
expect_rc 0 "$WP" destroy record --serial DEAD-0002 --method disintegrate --operator Taro --witness Hanako \
  --contractor "Acme Shredding" --place "Acme plant" --evidence "$TMP/before.jpg" $SIGN
expect_output "custody GAP: .*destroyed by contractor Acme Shredding without a handed_over event"
C2=$(sed -n 's/^destruction certificate: //p' "$TMP/out")
grep -q '"chain":"gaps"' "$C2" || fail "the certificate does not say the chain has gaps"
grep -q '"identity_source":"typed"' "$C2" || fail "a typed serial is not marked typed"
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$C2" "$(dirname "$0")/../../docs/destruction.schema.json" || fail "the contractor certificate does not validate"
expect_rc 6 "$WP" custody check --registry "$REG"
expect_output "DEAD-0002"
expect_output "GAPS FOUND"

# 6. A batch hand-over with a manifest, the contractor's confirmation, then the destruction: complete.
expect_rc 0 "$WP" destroy prepare "$(sim WD-POL03)" --reason policy --by Taro --registry "$REG" --label "$TMP/l3.png"
expect_rc 3 "$WP" destroy batch WD-POL03 DEAD-0002 --contractor Acme --by Taro --registry "$REG" --manifest "$TMP/m.pdf"
expect_output "not queued for destruction"
expect_rc 0 "$WP" destroy batch WD-POL03 --contractor "Acme Shredding" --by Taro --registry "$REG" --manifest "$TMP/m.pdf"
BATCH=$(sed -n 's/^batch \(WPB-[0-9A-F]*\):.*/\1/p' "$TMP/out")
pdftoppm -png -r 100 -f 1 -l 1 "$TMP/m.pdf" "$TMP/m"
zbarimg -q --raw "$TMP"/m-1.png 2>/dev/null | grep -q "serial:WD-POL03" || fail "the manifest's QR does not name WD-POL03"
printf '%%PDF-1.4 contractor certificate' >"$TMP/acme.pdf"
expect_rc 0 "$WP" destroy batch confirm "$BATCH" --file "$TMP/acme.pdf" --by Taro --registry "$REG"
expect_rc 0 "$WP" destroy record --serial WD-POL03 --method shred --particle-mm 6 --din-level H-4 --operator Taro \
  --witness Hanako --contractor "Acme Shredding" --place "Acme plant" --evidence "$TMP/acme.pdf" $SIGN
expect_output "custody:     WPC-.* complete"

# 7. Degauss check: a drive that answers is not destroyed; one that does not identify or read is.
expect_rc 5 "$WP" destroy check "$(sim WD-POL03)"
expect_output "STILL RESPONDS"
expect_rc 0 "$WP" destroy check /dev/wipeproof-no-such-drive
expect_output "no identity, no data"
echo ok
