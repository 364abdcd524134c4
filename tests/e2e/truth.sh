#!/bin/sh
# Issue 15: the truth matrix and the regression cases, through the real binary. Each row of the
# table below is one job on a simulated drive (kind, lies, capabilities, faults) with a requested
# level or method and a verification mode; the expected outcome, level, exception and limitation
# come from the rule table in docs/verification.md ("Which evidence gives which outcome"), not
# from the code's output. Then each reproduced false claim of the issue as its own check.
. "$(dirname "$0")/common.sh"
export WIPEPROOF_ALLOW_SIM=1
serial_of() {
  case "$1" in
    sim:ata-ssd*) echo SIMSSD0001 ;; sim:ata-hdd*) echo SIMHDD0001 ;; sim:nvme*) echo SIMNVME0001 ;;
    sim:scsi*) echo SIMSAS0001 ;;
  esac
}
# field RECORD EXPR: a Python expression over the record d.
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# target | job options | exit | outcome | level | an exception contains ("-": none at all) | a limitation contains ("-": none)
ROWS=$(cat <<'TABLE'
sim:ata-hdd?size=8M|--level purge --verify full|0|erased|purge|-|-
sim:ata-hdd?size=8M&lie=noop|--level purge --verify full|5|not_erased|none|canary blocks written before the erase still read back|-
sim:nvme?size=8M|--level purge --verify full|0|erased|purge|-|-
sim:nvme?size=8M&lie=zero-read&caps=-emvs|--level purge --verify full|4|erased_with_exceptions|purge|could not inspect the media|-
sim:nvme?size=8M&lie=zero-read|--level purge --verify full|5|not_erased|none|canary blocks|-
sim:nvme?size=8M&caps=-sanitize,-format-crypto|--level purge --verify full|0|erased|clear|-|Purge not established: media behind deallocated blocks
sim:ata-ssd?size=8M&caps=-sanitize|--level purge --verify full|0|erased|clear|-|-
sim:ata-ssd?size=8M|--level clear --verify full|0|erased|purge|-|-
sim:scsi?size=8M|--level purge --verify full|0|erased|purge|-|-
sim:scsi?size=8M&lie=skip:100-200|--level purge --verify full|5|not_erased|none|unchanged since before the erase|-
sim:ata-hdd?size=8M&lie=remap:5&caps=-sanitize,-security|--level purge --verify full|0|erased|clear|-|Purge not established: the drive reports retired blocks
sim:ata-hdd?size=8M&lie=remap:5|--level purge --verify full|4|erased_with_exceptions|purge|retired blocks|-
sim:ata-hdd?size=8M|--level purge --verify none|4|erased_with_exceptions|purge|not verified|-
sim:nvme?size=8M|--method random --verify full|0|erased|clear|-|-
sim:nvme?size=8M|--method random --verify none|4|erased_with_exceptions|clear|not verified|-
sim:nvme?size=8M|--method zero --verify sample|0|erased|clear|-|verified by sample
sim:ata-ssd?size=8M&fault=write:100-110|--method zero --verify full|5|not_erased|none|blocks read back differ|-
sim:ata-ssd?size=8M&fault=bad:100-110|--method zero --verify full|4|erased_with_exceptions|clear|recommendation: destroy the drive|-
sim:ata-hdd?size=8M&hpa=2048&caps=-sanitize,-security|--level purge --verify full|4|erased_with_exceptions|clear|hidden area found and not restored|-
sim:ata-hdd?size=8M&hpa=2048&caps=-sanitize,-security|--level purge --restore-hidden --verify full|0|erased|clear|-|-
sim:ata-hdd?size=8M&hpa=2048|--level purge --verify full|0|erased|purge|-|-
sim:ata-ssd?size=8M&hpa=2048|--method zero --restore-hidden --verify full|0|erased|clear|-|-
sim:ata-ssd?size=8M&hpa=2048|--method zero --verify full|4|erased_with_exceptions|clear|hidden area found and not restored|-
TABLE
)
i=0
echo "$ROWS" | while IFS='|' read -r target opts rc outcome level exc lim; do
  i=$((i + 1))
  backing="$TMP/m$i.img"
  head -c 8M /dev/urandom >"$backing"
  t="$target&backing=$backing"
  # shellcheck disable=SC2086
  expect_rc "$rc" "$WP" wipe "$t" $opts --confirm "$(serial_of "$target")" --no-sign --out "$TMP/m$i"
  rec=$(ls "$TMP/m$i"/*.json)
  got=$(field "$rec" 'd["outcome"] + " " + d["choice"]["level"]')
  [ "$got" = "$outcome $level" ] || { cat "$TMP/out"; fail "row $i ($target $opts): $got, expected $outcome $level"; }
  if [ "$exc" = - ]; then
    [ "$(field "$rec" 'len(d["exceptions"])')" = 0 ] || { cat "$TMP/out"; fail "row $i: unexpected exceptions"; }
  else
    field "$rec" '"\n".join(d["exceptions"])' | grep -- "$exc" >/dev/null || { cat "$TMP/out"; fail "row $i: no exception '$exc'"; }
  fi
  if [ "$lim" = - ]; then
    [ "$(field "$rec" 'len(d["limitations"])')" = 0 ] || { cat "$TMP/out"; fail "row $i: unexpected limitations"; }
  else
    field "$rec" '"\n".join(d["limitations"])' | grep -- "$lim" >/dev/null || { cat "$TMP/out"; fail "row $i: no limitation '$lim'"; }
  fi
  # A record that is not erased claims no level, and an erased one carries no exception.
  [ "$outcome" != erased ] || [ "$(field "$rec" 'len(d["exceptions"])')" = 0 ] || fail "row $i: erased with exceptions"
  echo "row $i: $target $opts -> $outcome at $level"
done

"$WP" keys init --dir "$TMP/keys" --organisation Org --signer tech >/dev/null
SIGN="--keys $TMP/keys --operator Tech --organisation Org"

# 1. Plaintext patient rows are not an erasure, however "clean" they look to a signature scan.
python3 -c "
import sys
row = b'P0000001,Yamada Taro,1970-01-02,diabetes\n'
open(sys.argv[1], 'wb').write((row * (8 * 1048576 // len(row) + 1))[:8 * 1048576])" "$TMP/csv.img"
expect_rc 2 "$WP" verify "$TMP/csv.img" --expect any --certify $SIGN --out "$TMP/c1"
expect_output "needs a positive criterion"
[ ! -e "$TMP/c1" ] || [ -z "$(ls "$TMP/c1")" ] || fail "case 1: a refused --certify wrote files"
expect_rc 10 "$WP" verify "$TMP/csv.img" --expect any
expect_output "INCONCLUSIVE"
head -c 8M /dev/urandom >"$TMP/noise.img"
expect_rc 2 "$WP" verify "$TMP/noise.img" --expect random --certify $SIGN --out "$TMP/c1"
expect_rc 10 "$WP" verify "$TMP/noise.img" --expect random
expect_rc 5 "$WP" verify "$TMP/csv.img" --expect zero
head -c 8M /dev/zero >"$TMP/zero.img"
expect_rc 0 "$WP" verify "$TMP/zero.img" --expect zero --certify $SIGN --out "$TMP/c1z"
echo "case 1: any/random cannot certify; plaintext fails zero; zeroes certify"

# 2. A new output directory: the ATA security erase runs (its recovery file has somewhere to go).
expect_rc 0 "$WP" wipe "sim:ata-ssd?size=16M&caps=-sanitize" --level purge --out "$TMP/new/dir" \
  --confirm SIMSSD0001 --no-sign
expect_output "method: ata-security-erase-enhanced"
expect_output "SECURITY ERASE UNIT"
echo "case 2: security erase with a new --out directory"

# 3. A Purge candidate failing at once, a Clear method next: the shortfall says so.
expect_rc 0 "$WP" wipe "sim:nvme?size=16M&caps=-sanitize" --level purge --psid PSID0123456789ABCDEF0123456789AB \
  --confirm SIMNVME0001 --no-sign --out "$TMP/c3"
rec=$(ls "$TMP"/c3/*.json)
[ "$(field "$rec" 'd["choice"]["level"]')" = clear ] || fail "case 3: level"
field "$rec" 'd["choice"]["shortfall"]' | grep -q "tried opal-psid-revert" || fail "case 3: shortfall does not name the failed attempt"
echo "case 3: shortfall names the failed Purge attempt"

# 4. The simulated media cannot be saved: the outcome says so (decided after the save).
mkdir "$TMP/ro"
head -c 8M /dev/urandom >"$TMP/ro/b.img"
mount -t tmpfs -o size=32M tmpfs "$TMP/ro" && MOUNTS="$MOUNTS $TMP/ro"
head -c 8M /dev/urandom >"$TMP/ro/b.img"
mount -o remount,ro "$TMP/ro"
expect_rc 4 "$WP" wipe "sim:nvme?backing=$TMP/ro/b.img" --method zero --confirm SIMNVME0001 --no-sign --out "$TMP/c4"
rec=$(ls "$TMP"/c4/*.json)
[ "$(field "$rec" 'd["outcome"]')" = erased_with_exceptions ] || fail "case 4: a lost save still says erased"
field "$rec" '"\n".join(d["exceptions"])' | grep -q "simulated media not saved" || fail "case 4: exception missing"
echo "case 4: an unsaved medium is an exception the outcome reflects"

# 5. A host protected area: left in place it is an exception and its data survives; restored
# first, the whole media is overwritten and verified.
head -c 16M /dev/urandom >"$TMP/h1.img"
cp "$TMP/h1.img" "$TMP/h2.img"
tail -c 1M "$TMP/h1.img" >"$TMP/hidden.orig"
expect_rc 4 "$WP" wipe "sim:ata-hdd?backing=$TMP/h1.img&hpa=2048&caps=-sanitize,-security" --level purge \
  --confirm SIMHDD0001 --no-sign --out "$TMP/c5a"
tail -c 1M "$TMP/h1.img" | cmp -s - "$TMP/hidden.orig" || fail "case 5: the host overwrite reached the hidden area?"
rec=$(ls "$TMP"/c5a/*.json)
[ "$(field "$rec" 'd["choice"]["hidden_areas"]')" = found ] || fail "case 5: hidden area not recorded"
expect_rc 0 "$WP" wipe "sim:ata-hdd?backing=$TMP/h2.img&hpa=2048&caps=-sanitize,-security" --level purge \
  --restore-hidden --confirm SIMHDD0001 --no-sign --out "$TMP/c5b"
rec=$(ls "$TMP"/c5b/*.json)
[ "$(field "$rec" 'd["choice"]["hidden_areas"] + " " + str(d["device"]["size_bytes"])')" = "removed 16777216" ] ||
  fail "case 5: restored area not recorded with the native size"
tail -c 1M "$TMP/h2.img" | cmp -s - "$TMP/hidden.orig" && fail "case 5: the restored area was not overwritten"
# The last MiB is the AES-CTR stream the record names (stock openssl), so it was written, not lost.
key=$(field "$rec" 'd["passes"][-1]["pattern"]["key_hex"]')
iv=$(field "$rec" 'd["passes"][-1]["pattern"]["iv_hex"]')
head -c 16M /dev/zero | openssl enc -aes-128-ctr -K "$key" -iv "$iv" | tail -c 1M >"$TMP/ks.tail"
tail -c 1M "$TMP/h2.img" | cmp -s - "$TMP/ks.tail" || fail "case 5: the restored area is not the recorded keystream"
echo "case 5: HPA left -> exception, data kept; restored -> whole media overwritten (openssl keystream)"

# 6 is in tests/vm (two namespaces); the planner's refusal is unit-tested.
# 7. An image file behind a loop device is somebody's disk.
truncate -s 16M "$TMP/backing.img"
L=$(losetup -f --show "$TMP/backing.img")
LOOPS="$LOOPS $L"
expect_rc 3 "$WP" wipe "$TMP/backing.img" --no-sign --out "$TMP/c7"
expect_output "is backed by it"
expect_rc 3 "$WP" wipe "sim:nvme?backing=$TMP/backing.img" --method zero --confirm SIMNVME0001 --no-sign --out "$TMP/c7"
losetup -d "$L"
# Held open for writing by another process (here a sleeping shell with fd 3 on it).
sh -c 'exec 3>>"$1"; exec sleep 30' sh "$TMP/backing.img" &
holder=$!
sleep 0.3
expect_rc 3 "$WP" wipe "$TMP/backing.img" --no-sign --out "$TMP/c7"
expect_output "open for writing by process $holder"
kill $holder
wait $holder 2>/dev/null || true
expect_rc 0 "$WP" wipe "$TMP/backing.img" --method zero --no-sign --out "$TMP/c7"
echo "case 7: loop-backed or otherwise written image refused; free again, wiped"

# 8. An interrupted verification claims nothing.
truncate -s 3G "$TMP/big.img"
"$WP" verify "$TMP/big.img" --expect zero --verify full >"$TMP/v8.out" 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid 2>/dev/null || true
set +e; wait $pid; rc=$?; set -e
if [ $rc = 130 ]; then
  grep -q "not completed" "$TMP/v8.out" || { cat "$TMP/v8.out"; fail "case 8: interrupted verification not said"; }
  grep -q "PASSED\|FAILED\|0 / 0 / 0" "$TMP/v8.out" && { cat "$TMP/v8.out"; fail "case 8: an interrupted read-back claims a result"; }
  echo "case 8: interrupted verification claims nothing"
else
  echo "case 8: the read finished before the signal (rc $rc): not checked"
fi

# 9. Without a trusted CA an intact signature is not VALID; an edited result is TAMPERED.
CERT=$(ls "$TMP"/c1z/*.json | grep -v ledger)
expect_rc 11 "$WP" cert verify "$CERT"
expect_output "SIGNER NOT TRUSTED"
expect_rc 0 "$WP" cert verify "$CERT" --ca "$TMP/keys/org-ca.pem"
cp "$CERT" "$TMP/edited.json"
cp "${CERT%.json}.p7s" "$TMP/edited.p7s"
sed -i 's/"result":"erased"/"result":"erased!"/' "$TMP/edited.json"
expect_rc 6 "$WP" cert verify "$TMP/edited.json" --ca "$TMP/keys/org-ca.pem"
expect_output "verdict: TAMPERED"
echo "case 9: no --ca -> exit 11; edited result -> TAMPERED"

# 10. A resumed job is signed for the people who started it; the printed hint works as printed.
# interrupted_wipe IMG OUT WIPE-OPTIONS...: a dod3 wipe stopped by SIGINT after its first
# checkpoint; HINT is its printed "resume with:" command ("" when it finished first).
interrupted_wipe() {
  img=$1
  out=$2
  shift 2
  truncate -s 256M "$img"
  "$WP" wipe "$img" --method dod3 "$@" --out "$out" --checkpoint-ms 10 >"$out.log" 2>&1 &
  pid=$!
  i=0
  while ! grep -q '"phase":"pass"' "$out"/*.journal 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
  kill -INT $pid 2>/dev/null || true
  set +e; wait $pid; set -e
  HINT=$(sed -n 's/^resume with: //p' "$out.log")
}
# run_hint EXTRA...: runs HINT exactly as printed (then EXTRA); it must exit 0.
run_hint() {
  set +e
  eval "\"$WP\" ${HINT#wipeproof } $*" >"$TMP/out" 2>&1
  rc=$?
  set -e
  [ $rc = 0 ] || { cat "$TMP/out"; fail "case 10: the printed resume command failed ($rc): $HINT"; }
}
interrupted_wipe "$TMP/r.img" "$TMP/c10" $SIGN --operator-title Engineer
if [ -n "$HINT" ]; then
  run_hint --operator Someone-Else
  C=$(ls "$TMP"/c10/*.json | grep -v ledger | head -1)
  [ "$(field "$C" 'd["people"]["operator"]["name"]')" = Tech ] || fail "case 10: resumed certificate credits someone else"
  [ "$(field "$C" 'd["people"]["operator"]["title"]')" = Engineer ] || fail "case 10: the operator's title was lost"
  [ "$(field "$C" 'len(d["sanitization"]["interruptions"])')" = 1 ] || fail "case 10: interruption not listed"
  echo "case 10: resumed as printed, signed for the operator who started it"
else
  echo "case 10: the wipe finished before the signal: not checked"
fi
# Unsigned: the printed hint resumes without --no-sign and issues no signature.
interrupted_wipe "$TMP/u.img" "$TMP/c10u" --no-sign
if [ -n "$HINT" ]; then
  run_hint
  ls "$TMP"/c10u/*.p7s >/dev/null 2>&1 && fail "case 10: an unsigned job was signed on resume"
  echo "case 10: unsigned job resumed as printed, still unsigned"
fi
echo "ok"
