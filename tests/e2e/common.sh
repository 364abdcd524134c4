# Shared helpers for the end-to-end tests. Each test sources this with the wipeproof binary as $1.
# Everything lives under one temp dir; loop devices, mounts, swap and dm targets the test makes are
# removed on exit, also when the test fails.
set -eu
WP="$1"
TMP=$(mktemp -d /tmp/wipeproof-e2e.XXXXXX)
LOOPS=""
MOUNTS=""
SWAPS=""
DMS=""
cleanup() {
  set +e
  for s in $SWAPS; do swapoff "$s" 2>/dev/null; done
  for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  for d in $DMS; do dmsetup remove "$d" 2>/dev/null; done
  for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# new_loop SIZE: attaches a fresh sparse file; sets LOOP and LOOP_NAME.
new_loop() {
  f="$TMP/disk-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ').img"
  truncate -s "$1" "$f"
  LOOP=$(losetup -f --show "$f")
  LOOPS="$LOOPS $LOOP"
  LOOP_NAME=$(basename "$LOOP")
}

# expect_rc RC CMD...: runs CMD, output to $TMP/out, and requires exit status RC.
expect_rc() {
  want=$1
  shift
  set +e
  "$@" >"$TMP/out" 2>&1
  got=$?
  set -e
  if [ "$got" != "$want" ]; then
    cat "$TMP/out" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

expect_output() {
  grep -q -- "$1" "$TMP/out" || { cat "$TMP/out" >&2; fail "output lacks '$1'"; }
}

# wait_for_station DATA LOG: waits (10 s) for a station started in the background to write
# DATA/port; fails showing LOG if it does not; sets URL.
wait_for_station() {
  i=0
  while [ ! -f "$1/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -f "$1/port" ] || { cat "$2" >&2; fail "station did not start"; }
  URL="https://127.0.0.1:$(cat "$1/port")"
}

checksum() { sha256sum "$1" | cut -d' ' -f1; }
