#!/bin/sh
# QEMU guest test: Debian's own kernel boots a busybox initramfs holding the wipeproof binary
# (tests/vm/common.sh), under TCG, with an emulated
# NVMe disk and a PIIX IDE disk filled with 0xA5. In the guest (tests/vm/guest.sh): devices see
# both serials, ATA identity and HPA detection work over SG_IO, `wipe --level purge` on NVMe uses
# Format NVM (QEMU has no Sanitize: the planner must fall back and say so), and the IDE disk
# (no ATA security) falls back to an overwrite. The host then checks the images.
# Usage: tests/vm/run.sh WIPEPROOF_BINARY
set -eu
WP=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${WIPEPROOF_VM_CACHE:-$(dirname "$WP")/vm-cache}
TMP=$(mktemp -d /tmp/wipeproof-vm.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$TMP/console.log" ] && tail -40 "$TMP/console.log" >&2; exit 1; }

. "$HERE/common.sh"
build_initrd "$HERE/guest.sh" "$TMP/initrd.gz" drivers/nvme/host/nvme-core drivers/nvme/host/nvme drivers/ata/libata \
  drivers/ata/ata_piix

# --- disks: 16 MiB each, filled with 0xA5 so "nothing happened" is visible -------------------
head -c 16777216 /dev/zero | tr '\0' '\245' >"$TMP/nvme.img"
cp "$TMP/nvme.img" "$TMP/ide.img"
# A second controller with two namespaces (issue 15 case 6): the guest puts swap on the second
# and wipes the first; a command that spans namespaces must not erase it.
cp "$TMP/nvme.img" "$TMP/ns1.img"
cp "$TMP/nvme.img" "$TMP/ns2.img"

timeout 420 qemu-system-x86_64 -accel tcg -m 768 -smp 1 -display none -monitor none -no-reboot \
  -serial "file:$TMP/console.log" -serial "file:$TMP/results.log" \
  -kernel "$KERNEL" -initrd "$TMP/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1" \
  -drive "file=$TMP/nvme.img,if=none,id=n0,format=raw,discard=unmap" -device nvme,serial=NVME0001,drive=n0 \
  -drive "file=$TMP/ide.img,if=none,id=i0,format=raw" -device ide-hd,drive=i0,bus=ide.0,serial=IDE0001 \
  -device nvme,id=nv1,serial=NVME0002 \
  -drive "file=$TMP/ns1.img,if=none,id=m1,format=raw" -device nvme-ns,drive=m1,bus=nv1,nsid=1 \
  -drive "file=$TMP/ns2.img,if=none,id=m2,format=raw" -device nvme-ns,drive=m2,bus=nv1,nsid=2 \
  || fail "qemu failed or timed out"
tr -d '\r' <"$TMP/results.log" >"$TMP/results"
cat "$TMP/results"
grep -q "^GUEST DONE" "$TMP/results" || fail "the guest did not finish"
if grep -q "^FAIL" "$TMP/results"; then fail "a guest check failed"; fi

# --- the host's view of the images after poweroff ---------------------------------------------
if tr -d '\0' <"$TMP/nvme.img" | head -c 1 | grep -q .; then fail "NVMe image is not all zeroes after Format NVM"; fi
A5RUN=$(head -c 64 /dev/zero | tr '\0' '\245')
if grep -a -q "$A5RUN" "$TMP/ide.img"; then fail "IDE image still holds the 0xA5 pattern"; fi
# The sibling namespace held active swap while its neighbour was wiped: still there, intact.
dd if="$TMP/ns2.img" bs=1 skip=4086 count=10 status=none | grep -q SWAPSPACE2 || fail "the swap namespace was erased"
if grep -a -q "$A5RUN" "$TMP/ns1.img"; then fail "the wiped namespace still holds the 0xA5 pattern"; fi
echo "ok: NVMe image zeroed by Format NVM; IDE image overwritten; sibling namespace in use kept; guest checks passed"
