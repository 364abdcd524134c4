#!/bin/sh
# The station's registry and API (first slice of issue 7): first start makes the data directory,
# admin token and TLS identity; `wipeproof upload` pinned to DATA/tls.pem stores verified
# certificates and a tampered one is rejected with the reason; tokens and roles guard search,
# download, CSV export and the audit log, which records refusals; two loop devices are wiped at
# once through POST /jobs and their certificates land in the registry; a backup taken while it runs
# restores with every certificate re-verified, a damaged one is refused; SIGTERM stops it cleanly.
# With "postgresql" as $2 the same test runs against a shared PostgreSQL registry ($WIPEPROOF_TEST_PG,
# emptied first); backups are then SQLite files exported from one snapshot.
. "$(dirname "$0")/common.sh"
BACKEND=${2:-sqlite}
REG=""
if [ "$BACKEND" = postgresql ]; then
  PG=${WIPEPROOF_TEST_PG:-postgresql://wipeproof_test:wipeproof_test@127.0.0.1:5432/wipeproof_test}
  psql -q "$PG" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' 2>/dev/null ||
    fail "PostgreSQL not reachable at $PG (scripts/setup.sh starts it)"
  REG="--registry $PG"
fi
sql() {  # runs one statement on the registry; prints the rows
  if [ "$BACKEND" = postgresql ]; then psql -qtA "$PG" -c "$1"; else python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, r)))' "$D/registry.db" "$1"; fi
}
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
for i in 1 2 3; do
  truncate -s 2M "$TMP/disk$i.img"
  "$WP" wipe "$TMP/disk$i.img" --keys "$TMP/keys" --operator "Tech $i" --organisation Org --out "$TMP/certs" >/dev/null
done
D="$TMP/station"
expect_rc 2 "$WP" station --data "$D" --listen nonsense
expect_rc 2 "$WP" station --data "$D" --ca "$TMP/missing.pem"
printf '[organisation]\nname = "Org"\n' >"$TMP/site.toml"
"$WP" station --data "$D" $REG --listen 127.0.0.1:0 --keys "$TMP/keys" --site "$TMP/site.toml" >"$TMP/station.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; cleanup' EXIT
wait_for_station "$D" "$TMP/station.log"
[ "$(stat -c %a "$D")" = 700 ] || fail "data directory should be 0700"
[ "$(stat -c %a "$D/admin.token")" = 600 ] || fail "admin.token should be 0600"
ADMIN=$(cat "$D/admin.token")
C3=$(ls "$TMP"/certs/*.json | sed -n 3p)
sed -i 's/"Tech [0-9]"/"Mallory"/' "$C3"
expect_rc 4 "$WP" upload "$TMP/certs" --station "$URL" --station-cert "$D/tls.pem"
expect_output "2 accepted, 1 not accepted"
expect_output "signature tampered"

CURL="curl -sS --cacert $D/tls.pem"
code() { $CURL -o "$TMP/body" -w '%{http_code}' "$@"; }
[ "$(code "$URL/api/v1/certificates")" = 401 ] || fail "no token must be refused"
[ "$(code -H "Authorization: Bearer wpt_bogus" "$URL/api/v1/certificates")" = 401 ] || fail "a bogus token must be refused"
expect_rc 2 "$WP" station token create --data "$D" $REG --role superuser
READ=$("$WP" station token create --data "$D" $REG --role read --label "asset manager")
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates")" = 200 ] || fail "read token refused"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["count"] == 2, d' "$TMP/body" || fail "expected 2 certificates"
C1=$(ls "$TMP"/certs/*.json | sed -n 1p)
ID=$(basename "$C1" .json)
SERIAL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["media"]["serial"] or "")' "$C1")
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?result=erased&from=2000-01-01&to=2999-12-31")" = 200 ] ||
  fail "search refused"
grep -q "\"id\":\"$ID\"" "$TMP/body" || fail "search does not find $ID"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?result=not_erased")" = 200 ] || fail "search refused"
grep -q '"count":0' "$TMP/body" || fail "result filter ignored"
TECH=$(grep -o '"Tech [0-9]"' "$C1" | head -1 | tr -d '"' | tr ' ' '+')
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?operator=$TECH")" = 200 ] || fail "search refused"
grep -q "\"count\":1,\|\"count\":1}" "$TMP/body" && grep -q "\"id\":\"$ID\"" "$TMP/body" ||
  { cat "$TMP/body"; fail "operator filter: expected only $TECH's certificate"; }
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/export.json?result=erased")" = 200 ] || fail "JSON export refused"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["count"] == 2 and len(d["certificates"]) == 2, d' "$TMP/body" ||
  fail "JSON export should hold both certificates"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates/$ID.json")" = 200 ] || fail "download refused"
cmp -s "$TMP/body" "$C1" || fail "the stored certificate differs from the uploaded one"
$CURL -H "Authorization: Bearer $READ" -o "$TMP/dl.p7s" "$URL/api/v1/certificates/$ID.p7s"
openssl cms -verify -binary -inform DER -in "$TMP/dl.p7s" -content "$TMP/body" -CAfile "$TMP/keys/org-ca.pem" \
  -purpose any -out /dev/null 2>/dev/null || fail "downloaded signature does not verify"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates/$ID.pdf")" = 200 ] || fail "pdf download refused"
head -c 5 "$TMP/body" | grep -q "%PDF-" || fail "not a PDF"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates/00000000-0000-4000-8000-000000000000.json")" = 404 ] ||
  fail "unknown id should be 404"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/export.csv")" = 200 ] || fail "export refused"
head -1 "$TMP/body" | grep -q "^id,serial,model,result" || fail "CSV header missing"
[ "$(wc -l <"$TMP/body")" -eq 3 ] || fail "CSV should have a header and 2 rows"
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/audit")" = 403 ] || fail "read role must not see the audit log"
[ "$(code -H "Authorization: Bearer $ADMIN" "$URL/api/v1/audit")" = 200 ] || fail "admin refused"
grep -q "denied" "$TMP/body" || fail "audit log lacks the refusals"
grep -q "ingest.*422" "$TMP/body" || fail "audit log lacks the rejected ingest"
# The audit log is append-only, even for someone with the database file.
sql "DELETE FROM audit" >/dev/null 2>&1 && fail "audit rows could be deleted"
sql "SELECT count(*) FROM audit" | grep -qv '^0$' || fail "audit rows are gone"
# Jobs: two loop devices wiped at once through the API, each in its own process.
OP=$("$WP" station token create --data "$D" $REG --role operator --label "bay operator")
new_loop 8M
L1=$LOOP
N1=$LOOP_NAME
new_loop 8M
L2=$LOOP
N2=$LOOP_NAME
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/drives")" = 200 ] || fail "drives refused"
grep -q "\"$N1\"" "$TMP/body" || fail "$N1 not listed in /drives"
job() { code -H "Authorization: Bearer $1" -H "Content-Type: application/json" -d "$2" "$URL/api/v1/jobs"; }
[ "$(job "$READ" "{\"device\":\"$L1\",\"method\":\"random\",\"confirm\":\"$N1\",\"operator\":\"Op\"}")" = 403 ] ||
  fail "a read token must not start a job"
[ "$(job "$OP" "{\"device\":\"$L1\",\"method\":\"random\",\"operator\":\"Op\"}")" = 400 ] ||
  fail "a job without confirmation must be refused"
# Issue 16 #1: a request names a drive, never a file. Traversal and a symlink in world-writable
# /dev/shm to a file are refused before anything runs, and the file is untouched.
head -c 1M /dev/urandom >"$TMP/victim"
before=$(sha256sum <"$TMP/victim")
ln -sf "$TMP/victim" "/dev/shm/wipeproof-e2e-victim-$$"
for dev in "/dev/..$TMP/victim" "/dev/shm/wipeproof-e2e-victim-$$" "$TMP/victim" /dev/null /dev/shm; do
  got=$(job "$OP" "{\"device\":\"$dev\",\"method\":\"zero\",\"confirm\":\"x\",\"operator\":\"Op\"}")
  [ "$got" = 409 ] || { cat "$TMP/body"; fail "a job on $dev was not refused ($got)"; }
  grep -q "not a block device" "$TMP/body" || fail "the refusal of $dev does not say why"
done
rm -f "/dev/shm/wipeproof-e2e-victim-$$"
[ "$(sha256sum <"$TMP/victim")" = "$before" ] || fail "a refused job changed the file"
[ "$(job "$OP" '{"device":1,"method":"zero","confirm":"x"}')" = 400 ] || fail "a non-string device is not a 400"
IDS=""
for pair in "$L1 $N1" "$L2 $N2"; do
  set -- $pair
  [ "$(job "$OP" "{\"device\":\"$1\",\"method\":\"random\",\"confirm\":\"$2\",\"operator\":\"Bay Op\"}")" = 201 ] ||
    { cat "$TMP/body"; fail "job on $1 not started"; }
  IDS="$IDS $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")"
done
for id in $IDS; do
  i=0
  while [ $i -lt 300 ]; do
    code -H "Authorization: Bearer $READ" "$URL/api/v1/jobs/$id" >/dev/null
    grep -q '"status":"running"' "$TMP/body" || break
    sleep 0.2
    i=$((i + 1))
  done
  grep -q '"outcome":"erased"' "$TMP/body" || { cat "$TMP/body"; fail "job $id did not end erased"; }
  grep -q '"registered":true' "$TMP/body" || fail "job $id's certificate not in the registry"
  grep -q '"percent":100' "$TMP/body" || fail "job $id never reported 100 %"
done
[ "$(code -H "Authorization: Bearer $READ" "$URL/api/v1/certificates")" = 200 ] || fail "search refused"
grep -q '"count":4' "$TMP/body" || { cat "$TMP/body"; fail "expected 2 ingested + 2 station certificates"; }
grep -q '"source":"station"' "$TMP/body" || fail "station jobs' certificates not marked"
[ "$(code -X DELETE -H "Authorization: Bearer $OP" "$URL/api/v1/jobs/00000000-0000-4000-8000-000000000000")" = 404 ] ||
  fail "aborting an unknown job should be 404"

# Backup while the station runs; restore re-verifies every certificate; a damaged backup is refused.
expect_rc 0 "$WP" station backup --data "$D" $REG --to "$TMP/backup.db"
expect_output "(4 certificates)"
kill -TERM $PID
wait $PID || fail "station did not stop cleanly"
expect_rc 0 "$WP" station restore --data "$TMP/restored" --from "$TMP/backup.db" --keys "$TMP/keys"
expect_output "restored 4 certificates"
expect_rc 3 "$WP" station restore --data "$TMP/restored" --from "$TMP/backup.db" --keys "$TMP/keys"
expect_output "pass --replace"
# A partial loss in the restored copy: the ledger (the registry's own table and the station's
# DATA/ledger.jsonl) names exactly the missing range.
expect_rc 0 "$WP" station ledger check --data "$TMP/restored" --ledger "$D/ledger.jsonl"
expect_output "4 entries, intact"
python3 - "$TMP/restored/registry.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("select certificate_id from ledger where seq in (2, 3)")]
db.executemany("delete from certificates where id = ?", [(i,) for i in ids])
db.commit()
PY
expect_rc 6 "$WP" station ledger check --data "$TMP/restored" --ledger "$D/ledger.jsonl"
expect_output "missing certificates: ledger entries 2-3 (2 certificate(s))"
expect_output "ledger $D/ledger.jsonl: 4 entries, NOT intact"
cp "$TMP/backup.db" "$TMP/damaged.db"
cp "$TMP/backup.db.sha256" "$TMP/damaged.db.sha256"
printf 'x' | dd of="$TMP/damaged.db" bs=1 seek=5000 conv=notrunc status=none
expect_rc 3 "$WP" station restore --data "$TMP/r2" --from "$TMP/damaged.db" --keys "$TMP/keys"
expect_output "does not match"
[ ! -e "$TMP/r2/registry.db" ] || fail "a damaged backup was restored"
[ "$(sql "SELECT action FROM audit ORDER BY seq DESC LIMIT 1")" = stop ] || fail "graceful stop not audited"
echo ok
