#!/bin/sh
# Issue 9 part 3: I/O faults in a real kernel. QEMU's blkdebug driver fails chosen sectors of
# virtio disks with EIO (a bad sector: reads and writes; an unwritable one: writes only), and the
# host hot-removes a SCSI disk (device_del through the QEMU monitor) while it is being wiped next
# to another one. The guest (tests/vm/faults_guest.sh) checks the records; the host checks the
# images afterwards.
# Usage: tests/vm/faults.sh WIPEPROOF_BINARY
set -eu
WP=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${WIPEPROOF_VM_CACHE:-$(dirname "$WP")/vm-cache}
TMP=$(mktemp -d /tmp/wipeproof-faults.XXXXXX)
QEMU=""
trap '[ -z "$QEMU" ] || kill $QEMU 2>/dev/null || true; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$TMP/console.log" ] && tail -40 "$TMP/console.log" >&2; exit 1; }

. "$HERE/common.sh"
build_initrd "$HERE/faults_guest.sh" "$TMP/initrd.gz" drivers/virtio/virtio_ring drivers/virtio/virtio \
  drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci \
  drivers/block/virtio_blk drivers/scsi/virtio_scsi

fill() { head -c $(($2 * 1048576)) /dev/zero | tr '\0' '\245' >"$TMP/$1.img"; }
fill bad 16
fill wo 16
fill gone 256
fill good 32
# blkdebug rules (docs/devel/blkdebug.txt in QEMU): errno 5 = EIO on every request touching the
# sector; raw_co_preadv/pwritev raise the read_aio/write_aio events that activate them.
cat >"$TMP/bad.conf" <<'CONF'
[inject-error]
event = "read_aio"
iotype = "read"
errno = "5"
sector = "2048"

[inject-error]
event = "write_aio"
iotype = "write"
errno = "5"
sector = "2048"
CONF
cat >"$TMP/wo.conf" <<'CONF'
[inject-error]
event = "write_aio"
iotype = "write"
errno = "5"
sector = "4096"
CONF

timeout 600 qemu-system-x86_64 -accel tcg -m 768 -smp 1 -display none -no-reboot \
  -monitor "unix:$TMP/monitor.sock,server,nowait" \
  -serial "file:$TMP/console.log" -serial "file:$TMP/results.log" \
  -kernel "$KERNEL" -initrd "$TMP/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
  -drive "file=blkdebug:$TMP/bad.conf:$TMP/bad.img,if=none,id=b0,format=raw,cache=none,rerror=report,werror=report" \
  -device virtio-blk-pci,drive=b0,serial=BAD0001 \
  -drive "file=blkdebug:$TMP/wo.conf:$TMP/wo.img,if=none,id=w0,format=raw,cache=none,rerror=report,werror=report" \
  -device virtio-blk-pci,drive=w0,serial=WO0001 \
  -device virtio-scsi-pci,id=vscsi \
  -drive "file=$TMP/gone.img,if=none,id=g0,format=raw" -device scsi-hd,drive=g0,bus=vscsi.0,serial=GONE0001,id=gone \
  -drive "file=$TMP/good.img,if=none,id=k0,format=raw" -device scsi-hd,drive=k0,bus=vscsi.0,serial=GOOD0001 &
QEMU=$!
# The guest says when sda is being written; the monitor removes it then.
i=0
while ! grep -q "^REMOVE sda" "$TMP/results.log" 2>/dev/null && kill -0 $QEMU 2>/dev/null && [ $i -lt 3000 ]; do
  sleep 0.1
  i=$((i + 1))
done
grep -q "^REMOVE sda" "$TMP/results.log" || fail "the guest never started the wipe to interrupt"
python3 - "$TMP/monitor.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.recv(4096)
s.sendall(b"device_del gone\n")
time.sleep(0.5)
print("monitor:", s.recv(4096).decode(errors="replace").strip().splitlines()[-1])
PY
wait $QEMU || fail "qemu failed or timed out"
QEMU=""
tr -d '\r' <"$TMP/results.log" >"$TMP/results"
cat "$TMP/results"
grep -q "^GUEST DONE" "$TMP/results" || fail "the guest did not finish"
if grep -q "^FAIL" "$TMP/results"; then fail "a guest check failed"; fi

# --- the host's view -------------------------------------------------------------------------
A5=$(head -c 512 /dev/zero | tr '\0' '\245')
sector() { dd if="$TMP/$1.img" bs=512 skip="$2" count=1 status=none; }
[ "$(sector bad 2048)" = "$A5" ] || fail "bad.img: sector 2048 should have kept its old data (every write failed)"
[ "$(sector bad 2047)" != "$A5" ] && [ "$(sector bad 2049)" != "$A5" ] || fail "bad.img: the neighbours of 2048 were not overwritten"
[ "$(sector wo 4096)" = "$A5" ] || fail "wo.img: sector 4096 should have kept its old data"
RUNS=$(grep -a -c "$(head -c 64 /dev/zero | tr '\0' '\245')" "$TMP/good.img" || true)
[ "$RUNS" = 0 ] || fail "good.img still holds the old pattern"
echo "ok: blkdebug bad and unwritable sectors named and kept out of 'erased'; a removed drive ends with a record while the other finishes"
