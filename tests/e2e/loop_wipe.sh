#!/bin/sh
# A real loop device holding ext4 with marker files is wiped with METHOD ($2); then no marker is
# left, libblkid finds nothing, full and sampled verification pass, and one flipped sector makes
# full verification fail naming that LBA.
. "$(dirname "$0")/common.sh"
METHOD=$2
MARKER="PATIENT-MARKER-e2e-$$"
new_loop 64M
mkfs.ext4 -q "$LOOP"
mkdir "$TMP/mnt"
mount "$LOOP" "$TMP/mnt"
MOUNTS="$TMP/mnt"
for i in 1 2 3 4 5 6 7 8; do
  echo "$MARKER record $i: name, date of birth, diagnosis" >"$TMP/mnt/patient-$i.txt"
done
umount "$TMP/mnt"
MOUNTS=""
[ "$(grep -a -c "$MARKER" "$LOOP")" -gt 0 ] || fail "marker not on the device before the wipe"
blkid -p "$LOOP" >/dev/null || fail "blkid should see ext4 before the wipe"

# random is verified in full, dod3 by sampling (both modes run inside `wipe` too).
MODE=full
[ "$METHOD" = dod3 ] && MODE=sample
expect_rc 0 "$WP" wipe "$LOOP" --method "$METHOD" --verify "$MODE" --confirm "$LOOP_NAME" --out "$TMP/certs" --no-sign
expect_output "outcome: erased"
RECORD=$(ls "$TMP"/certs/*.json)
grep -q '"outcome": "erased"' "$RECORD" || fail "record does not say erased"
grep -q "\"kernel_name\": \"$LOOP_NAME\"" "$RECORD" || fail "record lacks the device"

# (a) no marker anywhere, read through the block layer with O_DIRECT (dd) and buffered (grep)
if dd if="$LOOP" bs=1M iflag=direct status=none | grep -a -q "$MARKER"; then fail "marker survived"; fi
if grep -a -q "$MARKER" "$LOOP"; then fail "marker survived (buffered read)"; fi
# (b) libblkid finds no signature: blkid -p exits 2 when nothing is found
set +e
blkid -p "$LOOP" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "blkid still finds a signature (rc $rc)"
# (c) full and sampled re-verification from the record pass
expect_rc 0 "$WP" verify "$LOOP" --record "$RECORD"
expect_output "PASSED"
expect_rc 0 "$WP" verify "$LOOP" --record "$RECORD" --verify sample --json
expect_output '"passed":true'
if [ "$MODE" = sample ]; then
  # Re-verification reuses the recorded seed: the very same LBA list (same digest) is read again.
  DIGEST=$(grep -o '"lba_list_sha256": "[0-9a-f]*"' "$RECORD" | cut -d'"' -f4)
  [ -n "$DIGEST" ] || fail "sampled record lacks the LBA-list digest"
  expect_output "\"lba_list_sha256\":\"$DIGEST\""
  grep -q '"subsections": 1000' "$RECORD" || fail "sample plan lacks 1000 subsections"
fi
# (c2) anyone can check the last pass without wipeproof: for a random pass, stock openssl
# regenerates the AES-128-CTR stream from the recorded key and IV (docs/verification.md).
if [ "$METHOD" = random ]; then
  KEY=$(grep -o '"key_hex": "[0-9a-f]*"' "$RECORD" | tail -1 | cut -d'"' -f4)
  IV=$(grep -o '"iv_hex": "[0-9a-f]*"' "$RECORD" | tail -1 | cut -d'"' -f4)
  head -c 4194304 /dev/zero | openssl enc -aes-128-ctr -K "$KEY" -iv "$IV" >"$TMP/expected"
  dd if="$LOOP" bs=1M count=4 iflag=direct status=none >"$TMP/actual"
  cmp -s "$TMP/expected" "$TMP/actual" || fail "device does not hold the recorded AES-128-CTR stream"
fi
# (d) one flipped sector: full verification fails and names LBA 777
dd if=/dev/urandom of="$LOOP" bs=512 seek=777 count=1 oflag=direct conv=notrunc status=none
expect_rc 5 "$WP" verify "$LOOP" --record "$RECORD" --json
expect_output '"first_mismatch_lbas":\[777\]'
expect_output '"mismatched_blocks":1'
# (e) residue is named: a DICOM file start, an HL7 message and a patient ID planted after the wipe
{ head -c 128 /dev/zero; printf 'DICM'; head -c 380 /dev/zero; } | dd of="$LOOP" bs=512 seek=2000 oflag=direct conv=notrunc status=none
{ printf 'MSH|^~\\&|LAB|HOSP|||202611270000||ORU^R01|1|P|2.5\r'; head -c 460 /dev/zero; } | head -c 512 |
  dd of="$LOOP" bs=512 seek=3000 oflag=direct conv=notrunc status=none
{ printf 'name: Yamada, id: PT-778899'; head -c 485 /dev/zero; } | dd of="$LOOP" bs=512 seek=4000 oflag=direct conv=notrunc status=none
expect_rc 5 "$WP" verify "$LOOP" --record "$RECORD" --search PT-7788
expect_output "RESIDUE at LBA 2000: DICOM"
expect_output "RESIDUE at LBA 3000: HL7 v2 message"
expect_output 'RESIDUE at LBA 4000: search string "PT-7788"'
echo "ok: $METHOD"
