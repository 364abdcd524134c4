#!/bin/sh
# The technician's session on the console (started by /init with a controlling terminal): the
# ncurses screen (`wipeproof tui`), falling back to the plain menu when the terminal cannot
# show it. Choosing "power off" in either powers the machine off cleanly.
export PATH=/bin:/sbin:/usr/bin HOME=/tmp FONTCONFIG_FILE=/etc/fonts/fonts.conf TERMINFO=/lib/terminfo
[ -n "${TERM:-}" ] && [ "$TERM" != dumb ] || export TERM=vt100
. /usr/lib/wipeproof/common.sh  # $SIGN
off() {
  wipeproof-upload
  cp /tmp/boot.log /wp/logs/boot.log 2>/dev/null
  sync
  umount /wp 2>/dev/null
  echo "wipeproof: powering off"
  poweroff -f
}
while true; do
  # shellcheck disable=SC2086
  wipeproof tui ${WIPEPROOF_STICK:+--exclude "$WIPEPROOF_STICK"} --out /wp/certs $SIGN
  rc=$?
  sync
  [ "$rc" = 9 ] && off
  echo "wipeproof tui ended (exit $rc); the plain menu follows"
  wipeproof-menu
done
