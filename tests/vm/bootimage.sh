#!/bin/sh
# The boot image, end to end under QEMU/TCG (issue 6):
#  1. bootimage/build.sh twice with the same inputs -> the same SHA-256;
#  2. the image as a USB stick (-device usb-storage), BIOS (SeaBIOS) and UEFI (OVMF), unattended
#     purge, with an NVMe and an IDE/AHCI disk full of 0xA5: afterwards no 0xA5 run is left on
#     either disk, the WIPEPROOF partition holds one certificate per disk, each verifies with
#     openssl cms against the organisation CA and names the system-partition hash, and the
#     stick's system and EFI partitions are byte-for-byte untouched;
#     and the certificates were uploaded over HTTPS (pinned) to a station double on the host;
#  3. a power cut (QEMU killed) mid-wipe: the next boot resumes from the journal on the stick;
#  4. the technician menu driven over the serial console by expect, wiping one disk.
# Usage: tests/vm/bootimage.sh WIPEPROOF_BINARY
set -eu
WP=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$(dirname "$HERE")")
CACHE=${WIPEPROOF_VM_CACHE:-$(dirname "$WP")/vm-cache}
TMP=$(mktemp -d /tmp/wipeproof-bootimage-test.XXXXXX)
SERVER=""
trap '[ -z "$SERVER" ] || kill $SERVER 2>/dev/null || true; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; for l in "$TMP"/serial-*.log; do [ -f "$l" ] && { echo "--- $l" >&2; tail -c 3000 "$l" >&2; }; done; exit 1; }
ok() { echo "ok: $*"; }

"$WP" keys init --dir "$TMP/keys" --organisation "Test Hospital" --signer "stick-1" >/dev/null
cat >"$TMP/site.toml" <<'TOML'
station_id = "usb-stick-1"
[organisation]
name = "Test Hospital"
[operator]
name = "Unattended Station"
TOML

# The station double the stick uploads to: HTTPS on the host's loopback, which QEMU's user network
# shows the guest as 10.0.2.2; its self-signed certificate is pinned on the stick.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=station" -days 2 \
  -addext "subjectAltName=IP:10.0.2.2,IP:127.0.0.1" -keyout "$TMP/station.key" -out "$TMP/station.pem" 2>/dev/null
mkdir -p "$TMP/store"
python3 "$TOP/tests/e2e/ingest_server.py" "$TMP/station.pem" "$TMP/station.key" "$TMP/keys/org-ca.pem" "$TMP/store" \
  "$TMP/port" &
SERVER=$!
i=0
while [ ! -f "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
STATION="https://10.0.2.2:$(cat "$TMP/port")"

# --- 1. reproducible ------------------------------------------------------------------------
B="$TOP/bootimage/build.sh"
for x in a b; do
  "$B" --out "$TMP/$x.img" --keys "$TMP/keys" --site "$TMP/site.toml" --auto purge --station "$STATION" \
    --station-cert "$TMP/station.pem" --wipeproof "$WP" --cache "$CACHE" >"$TMP/build-$x.log" 2>&1 ||
    { cat "$TMP/build-$x.log"; fail "build $x failed"; }
done
A=$(sha256sum "$TMP/a.img" | cut -d' ' -f1)
[ "$A" = "$(sha256sum "$TMP/b.img" | cut -d' ' -f1)" ] || fail "two builds from the same inputs differ"
ok "two builds give the same SHA-256 ($A)"
SYS=$(sed -n 's/^\([0-9a-f]*\)  system-partition.*/\1/p' "$TMP/a.img.sha256")
[ ${#SYS} -eq 64 ] || fail "no system hash in a.img.sha256"
rm "$TMP/b.img"
P3=$(sfdisk -d "$TMP/a.img" | sed -n 's/.*3 : start= *\([0-9]*\),.*/\1/p')
[ -n "$P3" ] || fail "no third partition"
head -c $((P3 * 512)) "$TMP/a.img" | sha256sum | cut -d' ' -f1 >"$TMP/system-before"

disks() {
  head -c 16777216 /dev/zero | tr '\0' '\245' >"$TMP/nvme.img"
  cp "$TMP/nvme.img" "$TMP/ide.img"
}
A5RUN=$(head -c 64 /dev/zero | tr '\0' '\245')

# --- 2. unattended, BIOS and UEFI -----------------------------------------------------------
boot() {  # boot MODE: runs the stick until it powers off
  mode=$1
  cp "$TMP/a.img" "$TMP/stick.img"
  disks
  fw=""
  if [ "$mode" = uefi ]; then
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$TMP/vars.fd"
    fw="-machine q35 -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
        -drive if=pflash,format=raw,file=$TMP/vars.fd"
  fi
  # shellcheck disable=SC2086
  before=$(ls "$TMP"/store/*.json 2>/dev/null | wc -l)
  timeout 300 qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -display none -monitor none -no-reboot $fw \
    -serial "file:$TMP/serial-$mode.log" -nic user,model=e1000 \
    -drive "if=none,id=stick,format=raw,file=$TMP/stick.img" -device qemu-xhci -device usb-storage,drive=stick,bootindex=0 \
    -drive "file=$TMP/nvme.img,if=none,id=n0,format=raw" -device nvme,serial=NVME0001,drive=n0 \
    -drive "file=$TMP/ide.img,if=none,id=i0,format=raw" -device ide-hd,drive=i0,bus=ide.0,serial=IDE0001 ||
    fail "$mode: qemu failed or timed out"
  grep -a -q "wipeproof: done; powering off" "$TMP/serial-$mode.log" || fail "$mode: the unattended run did not finish"
  for d in nvme ide; do
    if grep -a -q "$A5RUN" "$TMP/$d.img"; then fail "$mode: the $d disk still holds the 0xA5 pattern"; fi
  done
  ok "$mode: both disks hold no run of the old pattern"
  rm -rf "$TMP/out" && mkdir -p "$TMP/out"
  mcopy -s -n -i "$TMP/stick.img@@$((P3 * 512))" ::certs "$TMP/out/" || fail "$mode: cannot read the WIPEPROOF partition"
  n=$(ls "$TMP"/out/certs/*.json | wc -l)
  [ "$n" -eq 2 ] || fail "$mode: expected 2 certificates, found $n"
  for c in "$TMP"/out/certs/*.json; do
    openssl cms -verify -binary -inform DER -in "${c%.json}.p7s" -content "$c" -CAfile "$TMP/keys/org-ca.pem" \
      -purpose any -out /dev/null 2>/dev/null || fail "$mode: openssl rejects $(basename "$c")"
    grep -q "\"boot_image_sha256\":\"$SYS\"" "$c" || fail "$mode: $(basename "$c") does not name the image hash $SYS"
  done
  grep -l '"serial":"NVME0001"' "$TMP"/out/certs/*.json >/dev/null || fail "$mode: no certificate for the NVMe disk"
  grep -l '"serial":"IDE0001"' "$TMP"/out/certs/*.json >/dev/null || fail "$mode: no certificate for the IDE disk"
  grep -l 'QEMU\|usb' "$TMP"/out/certs/*.json | xargs grep -l '"serial":"stick' >/dev/null 2>&1 && fail "$mode: the stick was wiped"
  ok "$mode: 2 certificates on the stick, verified by openssl, naming image $SYS"
  [ "$(head -c $((P3 * 512)) "$TMP/stick.img" | sha256sum | cut -d' ' -f1)" = "$(cat "$TMP/system-before")" ] ||
    fail "$mode: the stick's system or EFI partition changed"
  ok "$mode: the stick's system and EFI partitions are untouched"
  after=$(ls "$TMP"/store/*.json 2>/dev/null | wc -l)
  [ $((after - before)) -eq 2 ] || fail "$mode: the station received $((after - before)) certificates, not 2"
  for c in "$TMP"/out/certs/*.json; do
    cmp -s "$c" "$TMP/store/$(basename "$c")" || fail "$mode: $(basename "$c") did not reach the station intact"
  done
  ok "$mode: both certificates uploaded over HTTPS to the pinned station and verified there"
}
boot bios
if [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]; then boot uefi; else echo "note: OVMF not installed, UEFI boot skipped"; fi

# --- 3. a power cut mid-wipe: the next boot resumes from the journal on the stick --------------
# One bigger IDE disk (the purge plan falls back to an overwrite there, which keeps a journal).
# QEMU is killed a few seconds into the unattended wipe; the same stick and disk boot again; /init
# resumes the job before anything else and the unattended run skips that drive.
cp "$TMP/a.img" "$TMP/stick.img"
head -c $((192 * 1048576)) /dev/zero | tr '\0' '\245' >"$TMP/ide.img"
powercut_boot() {  # LOG [KILL_AFTER_SECONDS]
  timeout 400 qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -display none -monitor none -no-reboot \
    -serial "file:$1" -nic none \
    -drive "if=none,id=stick,format=raw,file=$TMP/stick.img" -device qemu-xhci -device usb-storage,drive=stick,bootindex=0 \
    -drive "file=$TMP/ide.img,if=none,id=i0,format=raw" -device ide-hd,drive=i0,bus=ide.0,serial=IDE0002 &
  qpid=$!
  if [ $# -gt 1 ]; then
    i=0
    while ! grep -a -q "UNATTENDED:" "$1" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
    grep -a -q "UNATTENDED:" "$1" || { kill $qpid; fail "power cut: the unattended run never started"; }
    sleep "$2"
    pkill -KILL -P $qpid qemu-system  # the power cut: QEMU itself (the child of timeout) dies at once
    wait $qpid 2>/dev/null || true
  else
    wait $qpid || fail "power cut: the second boot failed or timed out"
  fi
}
powercut_boot "$TMP/serial-cut1.log" 12
grep -a -q "wipeproof: done; powering off" "$TMP/serial-cut1.log" && fail "power cut came too late: the wipe had finished"
powercut_boot "$TMP/serial-cut2.log"
tr -d '\r' <"$TMP/serial-cut2.log" | grep -a "interrupted wipe resumed" | grep -q "outcome: erased" ||
  fail "power cut: the second boot did not resume the wipe to erased"
rm -rf "$TMP/out" && mkdir -p "$TMP/out"
mcopy -s -n -i "$TMP/stick.img@@$((P3 * 512))" ::certs "$TMP/out/" || fail "power cut: cannot read the WIPEPROOF partition"
c=$(grep -l '"serial":"IDE0002"' "$TMP"/out/certs/*.json) || fail "power cut: no certificate for the disk"
[ "$(echo "$c" | wc -l)" -eq 1 ] || fail "power cut: the resumed drive was wiped again ($(echo "$c" | wc -l) certificates)"
openssl cms -verify -binary -inform DER -in "${c%.json}.p7s" -content "$c" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "power cut: openssl rejects the certificate"
python3 - "$c" "$TMP/ide.img" <<'PY' || fail "power cut: certificate or disk wrong"
import json, subprocess, sys
c = json.load(open(sys.argv[1]))
s = c["sanitization"]
assert c["sanitization"]["result"] == "erased", s["result"]
i = s["interruptions"]
assert len(i) == 1 and i[0]["resumed_by"] == "boot image", i
p = s["passes"][-1]["pattern"]
size = c["media"]["capacity"]["apparent_bytes"]
ks = subprocess.run(["openssl", "enc", "-aes-128-ctr", "-K", p["key_hex"], "-iv", p["iv_hex"]],
                    input=bytes(size), capture_output=True, check=True).stdout
assert open(sys.argv[2], "rb").read() == ks, "the disk is not the AES-CTR stream of the recorded key/IV"
print("interruption:", i[0]["phase"], "pass", i[0]["pass"], "checkpoint", i[0]["checkpoint_offset"],
      "resumed from", i[0]["resumed_offset"])
PY
ok "power cut mid-wipe: the next boot resumed from the journal on the stick; certificate lists the interruption; disk = AES-CTR stream"

# --- 4. the technician menu over the serial console -------------------------------------------
# Entry 2 of the same image starts the menu instead of the unattended run.
cp "$TMP/a.img" "$TMP/stick.img"
disks
TMP="$TMP" expect -f "$HERE/bootimage_menu.exp" >"$TMP/serial-menu.log" 2>&1 || fail "serial menu session failed"
if grep -a -q "$A5RUN" "$TMP/ide.img"; then fail "menu: the selected disk still holds the pattern"; fi
rm -rf "$TMP/out" && mkdir -p "$TMP/out"
mcopy -s -n -i "$TMP/stick.img@@$((P3 * 512))" ::certs "$TMP/out/" || fail "menu: cannot read the WIPEPROOF partition"
[ "$(ls "$TMP"/out/certs/*.json | wc -l)" -eq 1 ] || fail "menu: expected one certificate"
c=$(ls "$TMP"/out/certs/*.json)
openssl cms -verify -binary -inform DER -in "${c%.json}.p7s" -content "$c" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "menu: openssl rejects the certificate"
grep -q '"name":"Ada Technician"' "$c" || fail "menu: the certificate does not name the operator typed in"
ok "technician screen over the serial console: one disk selected, confirmed by count, wiped, certificate shown"
echo "ok: boot image tests passed"
