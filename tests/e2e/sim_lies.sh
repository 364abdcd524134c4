#!/bin/sh
# Simulated drives from the command line (docs/testing.md): refused without WIPEPROOF_ALLOW_SIM;
# a firmware erase that skips the ranges holding a DICOM file, an HL7 message and an SQLite
# database (planted at random places on a loop device, copied to the sim's backing file) is
# not_erased and names each; a clean run names nothing; a drive that only pretends (zero-read)
# is caught with NVMe media verification; a remapping drive's overwrite is certified as clear.
. "$(dirname "$0")/common.sh"
HERE=$(dirname "$0")
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
SIGN="--keys $TMP/keys --operator Tech --organisation Org"

# 1. Refused unless allowed, and the refusal names the switch.
unset WIPEPROOF_ALLOW_SIM || true
expect_rc 3 "$WP" wipe "sim:nvme" --level purge --no-sign --confirm SIMNVME0001
expect_output "WIPEPROOF_ALLOW_SIM=1"
export WIPEPROOF_ALLOW_SIM=1
expect_rc 2 "$WP" wipe "sim:nvme?lie=melt" --no-sign
expect_output "lie must be"
expect_rc 3 "$WP" wipe "sim:nvme" --level purge --no-sign
expect_output "confirmation required: pass --confirm SIMNVME0001"

# 2. Patient data planted at random places on a loop device.
SEED=${WIPEPROOF_TEST_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "plant seed: $SEED (WIPEPROOF_TEST_SEED=$SEED to replay)"
new_loop 32M
dd if=/dev/zero of="$LOOP" bs=1M count=32 oflag=direct status=none
python3 "$HERE/plant.py" "$LOOP" "$SEED" >"$TMP/planted"
cat "$TMP/planted"
# The loop device itself, verified as if wiped elsewhere: every planted item is named.
expect_rc 5 "$WP" verify "$LOOP" --expect any --verify full --search P-004711
for t in DICOM "HL7 v2" SQLite "P-004711"; do expect_output "$t"; done
dd if="$LOOP" of="$TMP/media.img" bs=1M status=none

# 3. A drive whose sanitize skips exactly those ranges: not_erased, each one named with its LBA.
LIES=$(awk '{ printf "&lie=skip:%d-%d", $2, $2 + $3 - 1 }' "$TMP/planted")
cp "$TMP/media.img" "$TMP/skip.img"
expect_rc 5 "$WP" wipe "sim:ata-hdd?backing=$TMP/skip.img$LIES" --level purge --verify full \
  --confirm SIMHDD0001 --search P-004711 $SIGN --out "$TMP/c1"
expect_output "outcome: not_erased"
while read -r name lba count; do
  grep -q "RESIDUE at LBA $lba: .*" "$TMP/out" || { cat "$TMP/out"; fail "$name at LBA $lba not named"; }
done <"$TMP/planted"
expect_output "RESIDUE at LBA .*DICOM"
expect_output "RESIDUE at LBA .*HL7"
expect_output "RESIDUE at LBA .*SQLite"
CERT=$(ls "$TMP"/c1/*.json)
grep -q '"result":"not_erased"' "$CERT" || fail "certificate should say not_erased"
grep -q '"type":"DICOM' "$CERT" || fail "certificate does not name the DICOM residue"
# The backing file really still holds them (the simulator did what it was told).
lba=$(awk '/^DICOM/ { print $2 }' "$TMP/planted")
dd if="$TMP/skip.img" bs=1 skip=$((lba * 512 + 128)) count=4 status=none | grep -q DICM || fail "DICOM not left in backing"

# 4. The same drive without lies: erased, nothing named, and the data is gone from the media.
cp "$TMP/media.img" "$TMP/honest.img"
expect_rc 0 "$WP" wipe "sim:ata-hdd?backing=$TMP/honest.img" --level purge --verify full --confirm SIMHDD0001 \
  --search P-004711 $SIGN --out "$TMP/c2"
expect_output "outcome: erased"
grep -q "RESIDUE" "$TMP/out" && fail "a clean drive reported residue"
grep -q "P-004711" "$TMP/honest.img" && fail "patient ID still on the honest drive's media"
grep -q '"residue":\[\]' "$(ls "$TMP"/c2/*.json)" || fail "clean certificate lists residue"

# 5. An NVMe drive that only pretends: zeroes on read, the media untouched. With media
# verification the canaries are still there; without it the certificate says what it could not see.
cp "$TMP/media.img" "$TMP/zr.img"
expect_rc 5 "$WP" wipe "sim:nvme?backing=$TMP/zr.img&lie=zero-read" --level purge --confirm SIMNVME0001 --no-sign --out "$TMP/c3"
expect_output "outcome: not_erased"
expect_output "canary blocks written before the erase still read back"
expect_output "media verification (NVMe EMVS): used"
grep -q "P-004711" "$TMP/zr.img" || fail "zero-read drive should still hold the data on its media"
cp "$TMP/media.img" "$TMP/zr2.img"
expect_rc 4 "$WP" wipe "sim:nvme?backing=$TMP/zr2.img&lie=zero-read&caps=-emvs" --level purge --confirm SIMNVME0001 \
  $SIGN --out "$TMP/c4"
expect_output "outcome: erased_with_exceptions"
grep -q 'could not inspect the media behind deallocated blocks' "$(ls "$TMP"/c4/*.json)" || fail "certificate silent on zero-read"
# A later verify of the same simulated drive reads the same zeroes (the state file keeps them).
expect_rc 0 "$WP" verify "sim:nvme?backing=$TMP/zr2.img" --expect zero --verify full

# 6. Remapped blocks: an overwrite reaches every LBA but not the retired copies.
head -c 32M /dev/urandom >"$TMP/remap.img"
expect_rc 0 "$WP" wipe "sim:ata-hdd?backing=$TMP/remap.img&lie=remap:16&caps=-sanitize,-security" --level purge \
  --confirm SIMHDD0001 $SIGN --out "$TMP/c5"
CERT=$(ls "$TMP"/c5/*.json)
grep -q '"level":"clear"' "$CERT" || fail "remapped overwrite must be clear"
grep -q '"level":"purge"' "$CERT" && fail "remapped overwrite must never say purge"
grep -q 'remapped (grown-defect) sectors: not reachable by host writes' "$CERT" || fail "areas not addressed missing"
python3 - "$TMP/remap.img.sim.json" <<'PY' || fail "the remapped blocks' old data should survive in the hidden region"
import json, sys
hidden = json.load(open(sys.argv[1]))["hidden"]
assert len(hidden) == 16 and any(int(h["data"], 16) != 0 for h in hidden)
PY
openssl cms -verify -binary -inform DER -in "${CERT%.json}.p7s" -content "$CERT" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "openssl rejects the certificate"
python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  "$CERT" "$HERE/../../docs/certificate.schema.json" || fail "schema"

# 7. plan and devices --detail accept the simulated drive too.
expect_rc 0 "$WP" plan "sim:nvme?caps=-crypto,-format-crypto" --json
expect_output "nvme-sanitize-block"
expect_rc 0 "$WP" devices --detail "sim:ata-ssd" --json
expect_output "WIPEPROOF SIM ATA SSD"
echo ok
