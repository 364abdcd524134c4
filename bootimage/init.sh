#!/bin/sh
# /init of the wipeproof boot image. Mounts the WIPEPROOF partition of the stick it booted from,
# names the image (SHA-256 of the stick's system partition), and then either runs the unattended
# mode the kernel command line asks for (wipeproof.auto=clear|purge wipeproof.confirm=all) and
# powers off, or starts the technician's menu. The stick itself is never offered for wiping.
export PATH=/bin:/sbin:/usr/bin HOME=/tmp FONTCONFIG_FILE=/etc/fonts/fonts.conf
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /tmp /wp
mount -t tmpfs tmp /tmp
LOG=/tmp/boot.log
say() { echo "wipeproof: $*"; echo "$(date -u +%FT%TZ) $*" >>"$LOG"; }
for m in $(cat /etc/modules); do modprobe -q "$m" 2>/dev/null; done

AUTO="" CONFIRM=""
for a in $(cat /proc/cmdline); do
  case "$a" in
    wipeproof.auto=*) AUTO=${a#*=} ;;
    wipeproof.confirm=*) CONFIRM=${a#*=} ;;
  esac
done

# The stick: the disk holding the WIPEPROOF partition (USB needs a few seconds to appear).
i=0
WPDEV=""
while [ $i -lt 150 ]; do
  WPDEV=$(findfs LABEL=WIPEPROOF 2>/dev/null) && break
  sleep 0.2
  i=$((i + 1))
done
STICK=""
if [ -n "$WPDEV" ]; then
  part=$(basename "$WPDEV")
  STICK=$(basename "$(readlink -f "/sys/class/block/$part/..")")
  mount -t vfat -o umask=077,shortname=mixed,flush "$WPDEV" /wp || say "cannot mount $WPDEV"
  SYSPART=$(ls /sys/block/"$STICK"/ | grep -E "^${STICK}p?1\$" | head -1)
  if [ -n "$SYSPART" ]; then
    WIPEPROOF_BOOT_IMAGE_SHA256=$(sha256sum "/dev/$SYSPART" | cut -d' ' -f1)
    export WIPEPROOF_BOOT_IMAGE_SHA256
    say "booted from $STICK; system partition sha256 $WIPEPROOF_BOOT_IMAGE_SHA256"
  fi
else
  say "no WIPEPROOF partition found (booted as a CD?): certificates stay in /tmp and are lost at power-off"
fi
grep -q " /wp " /proc/mounts || say "WIPEPROOF partition not mounted: certificates go to the RAM disk and are lost at power-off"
mkdir -p /wp/certs /wp/logs
export WIPEPROOF_STICK="$STICK"

. /usr/lib/wipeproof/common.sh  # drives(), confirm_token(), $SIGN

# Wipes a power cut or reset interrupted (their journals are on the stick) carry on first, each
# on whichever drive it belongs to: `wipeproof resume` finds a drive's job by serial, model and
# size, not by kernel name, which can change between boots, and refuses any other drive
# (docs/resume.md). Both modes do this; the unattended run then skips the drives it finished.
RESUMED=""
if wipeproof jobs --out /wp/certs --json 2>/dev/null | grep -q '"state":"unfinished"'; then
  for n in $(drives); do
    (
      wipeproof resume "/dev/$n" --out /wp/certs --confirm "$(confirm_token "$n")" --resumed-by "boot image" $SIGN \
        >"/wp/logs/$n.resume.log" 2>&1
      echo "exit $?" >>"/wp/logs/$n.resume.log"
    ) &
  done
  wait
  for n in $(drives); do
    grep -q "^resuming job" "/wp/logs/$n.resume.log" || continue
    RESUMED="$RESUMED $n"
    say "$n: interrupted wipe resumed: $(grep -E '^outcome:|^certificate:|^error' "/wp/logs/$n.resume.log" | tr '\n' ' ')"
  done
fi

if [ -n "$AUTO" ] && [ "$CONFIRM" = "all" ]; then
  say "UNATTENDED: $AUTO on every drive except $STICK: $(drives | tr '\n' ' ')"
  for n in $(drives); do
    case " $RESUMED " in *" $n "*) continue ;; esac
    tok=$(confirm_token "$n")
    (
      wipeproof wipe "/dev/$n" --level "$AUTO" --confirm "$tok" $SIGN --out /wp/certs >"/wp/logs/$n.log" 2>&1
      echo "exit $?" >>"/wp/logs/$n.log"
    ) &
  done
  wait
  for n in $(drives); do
    case " $RESUMED " in *" $n "*) continue ;; esac
    [ -f "/wp/logs/$n.log" ] && say "$n: $(grep -E '^outcome:|^certificate:|^error' "/wp/logs/$n.log" | tr '\n' ' ')"
  done
  wipeproof-upload
  cp "$LOG" /wp/logs/boot.log 2>/dev/null
  sync
  umount /wp 2>/dev/null
  say "done; powering off"
  poweroff -f
fi

cp "$LOG" /wp/logs/boot.log 2>/dev/null
if [ -n "$AUTO" ]; then
  say "wipeproof.auto=$AUTO needs wipeproof.confirm=all for the unattended mode; starting the menu"
fi
exec setsid cttyhack /usr/bin/wipeproof-session
