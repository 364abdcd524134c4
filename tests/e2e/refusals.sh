#!/bin/sh
# Every refusal rule on real devices: mounted, mounted partition, swap, dm holder, missing or wrong
# confirmation, non-block paths, and the disk holding /. Each must exit 3 and change nothing.
. "$(dirname "$0")/common.sh"

new_loop 32M
mkfs.ext4 -q "$LOOP"
before=$(checksum "$LOOP")
mkdir "$TMP/mnt"
# Read-only without journal replay, so mounting itself changes no byte and the checksum holds.
mount -o ro,noload "$LOOP" "$TMP/mnt"
MOUNTS="$TMP/mnt"
expect_rc 3 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME"
expect_output "error: $LOOP: mounted on $TMP/mnt"
umount "$TMP/mnt"
MOUNTS=""
[ "$(checksum "$LOOP")" = "$before" ] || fail "refused wipe changed the device"

# Confirmation: required, and must match.
expect_rc 3 "$WP" wipe "$LOOP" --no-sign </dev/null
expect_output "confirmation required: pass --confirm $LOOP_NAME"
expect_rc 3 "$WP" wipe "$LOOP" --no-sign --confirm WRONG-SERIAL
expect_output "does not match"
# At a terminal the operator is asked; a wrong answer refuses (script(1) provides the terminal).
echo "not-the-name" | expect_rc 3 script -qec "$WP wipe $LOOP --no-sign --out $TMP/certs" /dev/null
expect_output "Type its name '$LOOP_NAME' to confirm"
expect_output "does not match"
[ "$(checksum "$LOOP")" = "$before" ] || fail "unconfirmed wipe changed the device"
# ...and the right answer at the prompt is a confirmation.
echo "$LOOP_NAME" | expect_rc 0 script -qec "$WP wipe $LOOP --verify sample --no-sign --out $TMP/certs" /dev/null
expect_output "outcome: erased"

# A mounted partition refuses the whole disk.
# Partition the image file first, then attach it with -P so the kernel creates loopNp1.
truncate -s 32M "$TMP/parted.img"
printf 'label: dos\n,,L\n' | sfdisk -q "$TMP/parted.img"
PDISK=$(losetup -f --show -P "$TMP/parted.img")
LOOPS="$LOOPS $PDISK"
PNAME=$(basename "$PDISK")
# Some kernels skip the automatic scan on loop devices; partx adds the partition via BLKPG.
[ -b "${PDISK}p1" ] || partx -a "$PDISK" 2>/dev/null || true
i=0
while [ ! -b "${PDISK}p1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -b "${PDISK}p1" ] || fail "partition node did not appear"
mkfs.ext4 -q "${PDISK}p1"
mkdir "$TMP/pmnt"
mount "${PDISK}p1" "$TMP/pmnt"
MOUNTS="$TMP/pmnt"
expect_rc 3 "$WP" wipe "$PDISK" --confirm "$PNAME"
expect_output "mounted on $TMP/pmnt"
umount "$TMP/pmnt"
MOUNTS=""

# Active swap.
new_loop 32M
mkswap -q "$LOOP" >/dev/null
if swapon "$LOOP" 2>/dev/null; then
  SWAPS="$LOOP"
  expect_rc 3 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME"
  expect_output "is active swap"
  swapoff "$LOOP"
  SWAPS=""
else
  echo "note: swapon unavailable here, swap refusal not exercised"
fi

# A device-mapper holder (LVM/dm-crypt/multipath sit on the disk like this).
new_loop 32M
if command -v dmsetup >/dev/null && echo "0 65536 linear $LOOP 0" | dmsetup create "wp-e2e-$$" 2>/dev/null; then
  DMS="wp-e2e-$$"
  expect_rc 3 "$WP" wipe "$LOOP" --confirm "$LOOP_NAME"
  expect_output "dm/md/LVM member"
else
  echo "note: device-mapper unavailable here, holder refusal not exercised"
fi

# Paths that are neither block devices nor regular files.
expect_rc 3 "$WP" wipe "$TMP"
expect_output "not a block device or regular file"
expect_rc 3 "$WP" wipe /dev/null
expect_output "not a block device or regular file"

# The disk holding / : checked with --dry-run only, which never writes.
ROOTSRC=$(findmnt -n -o SOURCE / || true)
if [ -b "$ROOTSRC" ]; then
  expect_rc 3 "$WP" wipe "$ROOTSRC" --dry-run
  expect_output "REFUSED: $ROOTSRC: holds the running system"
else
  echo "note: / is not on a block device ($ROOTSRC), system-disk refusal not exercised"
fi
echo ok
