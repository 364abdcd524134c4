#!/bin/sh
# PID 1 in the fault-injection guest (tests/vm/faults.sh). Results go to ttyS1, one line per check.
# Disks: vda with a bad sector (blkdebug: reads and writes of sector 2048 fail with EIO), vdb with
# an unwritable sector (writes of 4096 fail, the old data still reads), sda (SCSI) that the host
# hot-removes mid-wipe, sdb (SCSI) wiped at the same time, which must finish.
. /lib/guest_lib.sh  # mounts, modules, say/check/check_not
wait_for_disks 150 /dev/vda /dev/vdb /dev/sda /dev/sdb
W=/usr/bin/wipeproof
serial() { $W wipe "$1" --dry-run 2>/dev/null | sed -n 's/.*would need --confirm \([^ ]*\).*/\1/p'; }

# A bad sector: listed, erased_with_exceptions, destruction recommended.
$W wipe /dev/vda --confirm "$(serial /dev/vda)" --no-sign --out /tmp/c >/tmp/vda.txt 2>&1
say "vda wipe exit $?"
check "bad sector: outcome erased_with_exceptions" /tmp/vda.txt 'outcome: erased_with_exceptions'
check "bad sector: the write failure names LBA 2048" /tmp/vda.txt 'write error on LBA 2048+1'
check "bad sector: the read-back failure names LBA 2048" /tmp/vda.txt 'verify: read error on LBA 2048+1'
check "bad sector: destruction recommended" /tmp/vda.txt 'recommendation: destroy the drive — 1 sector(s)'

# An unwritable sector that still reads its old data: never erased.
$W wipe /dev/vdb --confirm "$(serial /dev/vdb)" --no-sign --out /tmp/c >/tmp/vdb.txt 2>&1
say "vdb wipe exit $?"
check "unwritable sector: named" /tmp/vdb.txt 'write error on LBA 4096+1'
check "unwritable sector: old data still readable, so not_erased" /tmp/vdb.txt 'outcome: not_erased'
check "unwritable sector: the mismatch found by the read-back" /tmp/vdb.txt 'blocks read back differ from the last pass (first LBA 4096)'

# Two drives at once; the host removes sda (device_del) while it is being written.
$W wipe /dev/sda --confirm "$(serial /dev/sda)" --no-sign --out /tmp/c --json >/tmp/sda.json 2>&1 &
A=$!
$W wipe /dev/sdb --confirm "$(serial /dev/sdb)" --no-sign --out /tmp/c >/tmp/sdb.txt 2>&1 &
B=$!
i=0
while ! grep -q '"phase":"pass"' /tmp/sda.json && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
say "REMOVE sda"
wait $A
say "sda wipe exit $?"
wait $B
say "sdb wipe exit $?"
check "removed drive: the job ends with a record" /tmp/sda.json '"event":"done"'
check "removed drive: not_erased" /tmp/sda.json '"outcome":"not_erased"'
check "removed drive: the record says the pass was aborted" /tmp/sda.json 'pass 1 aborted: /dev/sda was removed'
check_not "removed drive: not taken for bad sectors" /tmp/sda.json 'recommendation: destroy'
grep -o '"pass 1 aborted[^"]*"' /tmp/sda.json >$OUT
check "the other drive finished: erased" /tmp/sdb.txt 'outcome: erased$'
ls /tmp/c/*.json | wc -l >/tmp/n
check "four records written" /tmp/n '^4$'
sync
say "GUEST DONE"
poweroff -f
