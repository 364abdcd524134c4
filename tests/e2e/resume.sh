#!/bin/sh
# Issue 9 part 1: a wipe killed with SIGKILL at 20 seeded moments (random and dod3, verification
# included) is resumed from its journal; each ends erased, the record lists the interruption, a
# separate full verify passes, and the device equals the AES-128-CTR stream of the recorded key
# and IV as stock openssl computes it. Then the refusals: another drive with the journal, a copy of
# an image, a drive that lost confirmed writes; and the same drive in another slot is accepted.
. "$(dirname "$0")/common.sh"
SIZE_MIB=256
# Backing files in RAM (tmpfs): a checkpoint's flush is then quick, so even a pass of a fraction
# of a second has several checkpoints and kills land between them, as on a real multi-hour pass.
SHM=$(mktemp -d /dev/shm/wipeproof-e2e.XXXXXX)
trap 'cleanup; rm -rf "$SHM"' EXIT
shm_loop() {
  truncate -s ${SIZE_MIB}M "$SHM/$1.img"
  LOOP=$(losetup -f --show "$SHM/$1.img")
  LOOPS="$LOOPS $LOOP"
  LOOP_NAME=$(basename "$LOOP")
}
shm_loop a
A=$LOOP
A_NAME=$LOOP_NAME
A_FILE="$SHM/a.img"
shm_loop b
B=$LOOP
B_NAME=$LOOP_NAME

json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# journal_phase JOURNAL: "pass N" being written when the job stopped, or "verify".
journal_phase() {
  python3 - "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
done = sum(1 for l in lines if l["type"] == "pass")
print("verify" if done == len(lines[0]["passes"]) else "pass %d" % (done + 1))
PY
}

# kill_at_checkpoint PID DIR N: SIGKILL the wipe PID once its journal in DIR holds N pass checkpoints.
# (10 ms checkpoints: a 256 MiB pass on tmpfs takes about 0.1 s on an idle machine.)
kill_at_checkpoint() {
  i=0
  while [ $i -lt 500 ]; do
    n=$(cat "$2"/*.journal 2>/dev/null | grep -c '"phase":"pass"' || true)
    [ "${n:-0}" -ge "$3" ] && break
    sleep 0.01
    i=$((i + 1))
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  [ "${n:-0}" -ge "$3" ] || fail "the journal in $2 never reached $3 checkpoints"
}

# The device must be the last pass's keystream: openssl regenerates it from the record alone.
check_keystream() {  # RECORD DEVICE
  key=$(json_field "$1" 'd["passes"][-1]["pattern"]["key_hex"]')
  iv=$(json_field "$1" 'd["passes"][-1]["pattern"]["iv_hex"]')
  dd if=/dev/zero bs=1M count=$SIZE_MIB status=none | openssl enc -aes-128-ctr -K "$key" -iv "$iv" |
    cmp - "$2" || fail "$2 is not the AES-128-CTR stream of key $key iv $iv ($1)"
}

# --- an uninterrupted job of each method: how many journal lines it writes -------------------
# Each kill below waits for a seeded number of those lines (so kills spread over the whole job,
# verification included, whatever the machine's speed), then a seeded 0-15 ms more.
wait_for_lines() {  # JOURNAL_DIR N
  i=0
  while [ "$(cat "$1"/*.journal 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 3000 ]; do sleep 0.002; i=$((i + 1)); done
}
# Checkpoints come by time, so a run on a busier machine writes more lines: the fewest of three
# runs places the kills where even a fast run has not finished yet.
for m in random dod3; do
  fewest=0
  for r in 1 2 3; do
    expect_rc 0 "$WP" wipe "$A" --confirm "$A_NAME" --method $m --no-sign --out "$TMP/base-$m-$r" --checkpoint-ms 10
    n=$(cat "$TMP/base-$m-$r"/*.journal | wc -l)
    [ "$fewest" = 0 ] || [ "$n" -lt "$fewest" ] && fewest=$n
  done
  eval "LINES_$m=$fewest"
  mv "$TMP/base-$m-1" "$TMP/base-$m"
done
echo "uninterrupted journals: random ${LINES_random} lines, dod3 ${LINES_dod3} lines"
grep -q '"type":"finished"' "$TMP"/base-random/*.journal || fail "the journal of a finished wipe is not marked finished"
expect_rc 0 "$WP" jobs --out "$TMP/base-random"
expect_output "no unfinished jobs"

# --- 20 kills --------------------------------------------------------------------------------
killed=0
in_verify=0
mid_pass=0
for seed in $(seq 1 20); do
  if [ $((seed % 2)) = 1 ]; then m=random; lines=$LINES_random; else m=dod3; lines=$LINES_dod3; fi
  set -- $(awk -v s="$seed" -v n="$lines" 'BEGIN { srand(s); printf "%d %.3f", 1 + int(rand() * (n - 2)), rand() * 0.015 }')
  at_line=$1
  extra=$2
  OUT="$TMP/run-$seed"
  "$WP" wipe "$A" --confirm "$A_NAME" --method $m --no-sign --out "$OUT" --json --checkpoint-ms 10 \
    >"$TMP/wipe-$seed.log" 2>&1 &
  pid=$!
  wait_for_lines "$OUT" "$at_line"
  sleep "$extra"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  delay_ms="journal line $at_line + ${extra}s"
  if grep -q '"event":"done"' "$TMP/wipe-$seed.log"; then
    echo "seed $seed: $m finished before the kill at $delay_ms"
    continue
  fi
  J=$(ls "$OUT"/*.journal 2>/dev/null || true)
  if [ -z "$J" ]; then
    # Killed before the journal existed, so before the first write: nothing to resume.
    expect_rc 2 "$WP" resume "$A" --confirm "$A_NAME" --no-sign --out "$OUT"
    echo "seed $seed: $m killed at $delay_ms, before it began writing"
    continue
  fi
  if grep -q '"type":"finished"' "$J"; then  # killed after the record, before the done line
    echo "seed $seed: $m finished (record written) before the kill at $delay_ms"
    continue
  fi
  killed=$((killed + 1))
  phase=$(journal_phase "$J")
  [ "$phase" = verify ] && in_verify=$((in_verify + 1))
  expect_rc 0 "$WP" jobs --out "$OUT"
  expect_output "$(basename "$J" .journal)  unfinished"
  expect_rc 0 "$WP" resume "$A" --confirm "$A_NAME" --no-sign --out "$OUT" --json
  grep -q '"outcome":"erased"' "$TMP/out" || { cat "$TMP/out"; fail "seed $seed: resumed $m job not erased"; }
  REC="$OUT/$(basename "$J" .journal).json"
  [ "$(json_field "$REC" 'len(d["interruptions"])')" = 1 ] || fail "seed $seed: record does not list one interruption"
  [ "$(json_field "$REC" 'd["interruptions"][0]["resumed_by"]')" = "wipeproof resume" ] || fail "seed $seed: resumed_by"
  [ "$(json_field "$REC" 'd["verification"]["mode"]')" = full ] || fail "seed $seed: not fully verified"
  from=$(json_field "$REC" 'd["interruptions"][0]["resumed_offset"]')
  [ "$phase" != verify ] && [ "$from" -gt 0 ] && mid_pass=$((mid_pass + 1))
  check_keystream "$REC" "$A"
  expect_rc 0 "$WP" verify "$A" --record "$REC"
  expect_rc 0 "$WP" jobs --out "$OUT"
  expect_output "no unfinished jobs"
  echo "seed $seed: $m killed at $delay_ms (during $phase) -> resumed, erased, keystream matches"
done
echo "killed $killed of 20, $in_verify during verification"
[ $killed -ge 15 ] || fail "only $killed of 20 kills landed mid-job"
[ $in_verify -ge 1 ] || fail "no kill landed in the verification phase"
[ $mid_pass -ge 1 ] || fail "no resume continued part-way through a pass"
echo "$mid_pass resumed part-way through a pass"

# --- a different drive with the journal is refused, the same drive in another slot is not ------
OUT="$TMP/swap"
"$WP" wipe "$A" --confirm "$A_NAME" --method dod3 --no-sign --out "$OUT" --checkpoint-ms 10 >/dev/null 2>&1 &
kill_at_checkpoint $! "$OUT" 3
J=$(ls "$OUT"/*.journal)
before_b=$(checksum "$B")
expect_rc 3 "$WP" resume "$B" --confirm "$B_NAME" --no-sign --journal "$J"
expect_output "is not the drive this job was wiping"
expect_output "backing file"
expect_rc 2 "$WP" resume "$B" --confirm "$B_NAME" --no-sign --out "$OUT"
expect_output "no unfinished job for $B"
[ "$(checksum "$B")" = "$before_b" ] || fail "a refused resume wrote to the other drive"
# The same drive moved to another slot: detach, attach the same file elsewhere, resume there.
losetup -d "$A"
A2=$(losetup -f --show "$A_FILE")
LOOPS="$LOOPS $A2"
expect_rc 0 "$WP" resume "$A2" --confirm "$(basename "$A2")" --no-sign --journal "$J" --out "$OUT"
expect_output "outcome: erased"
check_keystream "$OUT/$(basename "$J" .journal).json" "$A2"

# --- a drive that lost writes it had confirmed is refused ------------------------------------
OUT="$TMP/lost"
"$WP" wipe "$A2" --confirm "$(basename "$A2")" --method random --no-sign --out "$OUT" --checkpoint-ms 10 >/dev/null 2>&1 &
kill_at_checkpoint $! "$OUT" 2
dd if=/dev/zero of="$A2" bs=1M count=$SIZE_MIB oflag=direct status=none
expect_rc 3 "$WP" resume "$A2" --confirm "$(basename "$A2")" --no-sign --out "$OUT"
expect_output "does not hold what pass 1"

# --- an image copied elsewhere is another drive ---------------------------------------------
truncate -s 64M "$TMP/a.img"
"$WP" wipe "$TMP/a.img" --method dod3 --no-sign --out "$TMP/img" --checkpoint-ms 10 >/dev/null 2>&1 &
kill_at_checkpoint $! "$TMP/img" 1
cp "$TMP/a.img" "$TMP/copy.img"
expect_rc 3 "$WP" resume "$TMP/copy.img" --no-sign --journal "$(ls "$TMP"/img/*.journal)"
expect_output "image"
echo ok
