# Sourced by every test guest's /init (tests/vm/guest.sh, faults_guest.sh); build_initrd in
# common.sh puts it at /lib/guest_lib.sh. Mounts what a busybox guest needs, loads the modules in
# /lib/modules/order, and gives the checks that report on ttyS1, one line each.
export PATH=/bin:/usr/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m.ko" 2>/dev/null; done
OUT=/dev/ttyS1
stty -F $OUT raw 2>/dev/null
say() { echo "$*" >$OUT; }
check() {  # check NAME FILE PATTERN
  if grep -q -- "$3" "$2"; then say "ok: $1"; else say "FAIL: $1 (no '$3')"; sed 's/^/  | /' "$2" >$OUT; fi
}
check_not() {  # check_not NAME FILE PATTERN
  if grep -q -- "$3" "$2"; then say "FAIL: $1 ('$3' found)"; grep -- "$3" "$2" | head -3 >$OUT; else say "ok: $1"; fi
}
# wait_for_disks TICKS DEV...: insmod returns before the disks are probed; poll every 0.2 s.
wait_for_disks() {
  ticks=$1
  shift
  i=0
  while [ $i -lt "$ticks" ]; do
    missing=0
    for d in "$@"; do [ -b "$d" ] || missing=1; done
    [ $missing = 0 ] && return 0
    sleep 0.2
    i=$((i + 1))
  done
}
