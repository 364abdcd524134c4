#!/bin/sh
# PID 1 in the test guest (tests/vm/run.sh). Results go to ttyS1, one line per check.
. /lib/guest_lib.sh  # mounts, modules, say/check
wait_for_disks 100 /dev/nvme0n1 /dev/sda
W=/usr/bin/wipeproof

$W devices --json >/tmp/devices.json 2>&1
check "devices lists the NVMe serial" /tmp/devices.json '"serial": "NVME0001"'
check "devices lists the IDE serial" /tmp/devices.json '"serial": "IDE0001"'
$W devices --detail /dev/sda --json >/tmp/sda.json 2>&1
check "ATA IDENTIFY over SG_IO" /tmp/sda.json '"model": "QEMU HARDDISK"'
check "ATA security reported unsupported" /tmp/sda.json '"supported": false'
check "ATA SMART over SG_IO, parsed by libatasmart" /tmp/sda.json 'ATA SMART: GOOD (self-assessment passed)'
check "HPA detection via READ NATIVE MAX (native = current)" /tmp/sda.json '"native_sectors": 32768'
$W plan /dev/nvme0n1 >/tmp/plan.txt 2>&1
check "planner falls back to Format NVM" /tmp/plan.txt 'chosen:    nvme-format-user-data'
check "planner says why Sanitize is not used" /tmp/plan.txt 'SANICAP bit 1 (block erase) clear'
$W wipe /dev/nvme0n1 --level purge --confirm NVME0001 --no-sign --out /tmp/c1 >/tmp/nvme.txt 2>&1
say "nvme wipe exit $?"
check "NVMe wipe used FORMAT NVM" /tmp/nvme.txt 'firmware: FORMAT NVM'
# QEMU's NVMe has no media verification: zeroes after Format may be the deallocated-block answer,
# so the record must say the media was not inspected (docs/verification.md) but find no canary.
check "NVMe wipe verified, media not inspected" /tmp/nvme.txt 'outcome: erased_with_exceptions'
check "NVMe wipe says why" /tmp/nvme.txt 'MEDIA NOT INSPECTED'
check "NVMe canaries gone after Format" /tmp/nvme.txt 'canaries: 66 written before the erase, 0 still readable'
check "NVMe level recorded as clear with the reason" /tmp/nvme.txt 'level: clear (requested purge)'
check "NVMe SMART/Health log before and after" /tmp/c1/*.json 'NVMe SMART/Health: critical warning'
$W wipe /dev/sda --level purge --confirm IDE0001 --no-sign --verify sample --out /tmp/c2 >/tmp/ide.txt 2>&1
say "ide wipe exit $?"
check "IDE falls back to overwrite" /tmp/ide.txt 'level: clear (requested purge)'
check "IDE wipe erased" /tmp/ide.txt 'outcome: erased$'
grep -h -o '"ata-security-erase[^"]*: [^"]*"' /tmp/c2/*.json >$OUT 2>/dev/null
dd if=/dev/nvme0n1 bs=1M count=16 iflag=direct 2>/dev/null | tr -d '\0' | head -c 1 >/tmp/nz
if [ -s /tmp/nz ]; then say "FAIL: NVMe reads back non-zero in the guest"; else say "ok: NVMe reads back zeroes (O_DIRECT)"; fi
sync
say "GUEST DONE"
poweroff -f
