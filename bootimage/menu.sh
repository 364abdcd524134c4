#!/bin/sh
# The plain technician's menu on the boot image, for terminals the ncurses screen (`wipeproof
# tui`) cannot drive: lists the drives with their plan, takes the selection and the operator's name,
# asks for the number of drives as confirmation, wipes them in parallel and lists the results.
export PATH=/bin:/sbin:/usr/bin HOME=/tmp FONTCONFIG_FILE=/etc/fonts/fonts.conf
LEVEL=purge
. /usr/lib/wipeproof/common.sh  # drives(), $SIGN
while true; do
  echo
  echo "=== wipeproof: drives in this machine (the boot stick ${WIPEPROOF_STICK:-?} is not listed) ==="
  i=0
  for n in $(drives); do
    i=$((i + 1))
    desc=$(wipeproof wipe "/dev/$n" --dry-run --level "$LEVEL" 2>/dev/null | sed -n 's/^device: //p' | head -1)
    plan=$(wipeproof plan "/dev/$n" --level "$LEVEL" 2>/dev/null | sed -n 's/^chosen: *//p' | cut -c1-60)
    echo " $i) $n  $desc"
    echo "      plan: $plan"
  done
  [ $i -gt 0 ] || echo " (no drives found)"
  echo
  echo "Enter drive numbers to wipe (e.g. '1 3', 'all'), 'l' to toggle level (now: $LEVEL), 's' for a shell, 'p' to power off:"
  read -r sel || exit 0
  case "$sel" in
    p) sync; umount /wp 2>/dev/null; poweroff -f ;;
    s) sh; continue ;;
    l) [ "$LEVEL" = purge ] && LEVEL=clear || LEVEL=purge; continue ;;
    all) sel=$(seq 1 $i) ;;
  esac
  chosen=""
  for k in $sel; do
    n=$(drives | sed -n "${k}p")
    [ -n "$n" ] && chosen="$chosen $n"
  done
  [ -n "$chosen" ] || { echo "nothing selected"; continue; }
  count=$(echo $chosen | wc -w)
  printf "Operator name: "
  read -r operator || continue
  [ -n "$operator" ] || { echo "an operator name is required (MHLW: a named, competent person)"; continue; }
  printf "ERASE %s drive(s):%s at level %s. Type the number of drives (%s) to confirm: " "$count" "$chosen" "$LEVEL" "$count"
  read -r ok || continue
  [ "$ok" = "$count" ] || { echo "not confirmed; nothing was written"; continue; }
  for n in $chosen; do
    tok=$(wipeproof wipe "/dev/$n" --dry-run 2>/dev/null | sed -n 's/.*would need --confirm \([^ ]*\).*/\1/p')
    ( wipeproof wipe "/dev/$n" --level "$LEVEL" --confirm "$tok" --operator "$operator" $SIGN --out /wp/certs \
        >"/wp/logs/$n.log" 2>&1; echo "exit $?" >>"/wp/logs/$n.log" ) &
  done
  echo "wiping in parallel; logs in /wp/logs (progress: tail -f /wp/logs/DRIVE.log from 's')"
  wait
  for n in $chosen; do echo "$n: $(grep -E '^outcome:|^certificate:|^error' "/wp/logs/$n.log" | tr '\n' ' ')"; done
  sync
done
