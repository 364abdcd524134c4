# Shared by the boot image's scripts (/init, the session, the plain menu): sourced, not run.
# The stick's kernel name is in $WIPEPROOF_STICK (set by /init).

# Every whole disk except the stick, CD drives, RAM and loop devices.
drives() {
  for d in /sys/block/*; do
    n=$(basename "$d")
    case "$n" in loop*|ram*|sr*|zram*|fd*|md*|dm-*) continue ;; esac
    [ "$n" = "${WIPEPROOF_STICK:-}" ] && continue
    [ "$(cat "$d/size" 2>/dev/null || echo 0)" -gt 0 ] || continue
    echo "$n"
  done
}

# The confirmation word for /dev/$1: its serial as wipeproof itself reads it (--dry-run).
confirm_token() {
  wipeproof wipe "/dev/$1" --dry-run 2>/dev/null | sed -n 's/.*would need --confirm \([^ ]*\).*/\1/p'
}

# Signing options for every wipe: the stick's keys and site file, or unsigned records.
SIGN=""
[ -d /wp/keys ] && SIGN="--keys /wp/keys"
[ -f /wp/site.toml ] && SIGN="$SIGN --site /wp/site.toml"
[ -n "$SIGN" ] || SIGN="--no-sign"
