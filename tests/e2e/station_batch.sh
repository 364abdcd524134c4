#!/bin/sh
# A rack's worth at once (issue 7): eight loop devices, one simulated drive whose sectors 100-103
# can be neither written nor read (WIPEPROOF_ALLOW_SIM=1, fault=bad:100-103) and one that vanishes
# after 3 MiB (fault=vanish:3M, issue 9) are wiped in parallel through POST /jobs. Every loop device ends erased with its certificate in the registry,
# downloaded and verified with stock openssl; the faulty drive ends erased_with_exceptions naming
# the bad LBAs, without stalling the others. Unauthenticated and wrong-role requests are refused.
. "$(dirname "$0")/common.sh"
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
printf '[organisation]\nname = "Org"\n' >"$TMP/site.toml"
D="$TMP/station"
WIPEPROOF_ALLOW_SIM=1 "$WP" station --data "$D" --listen 127.0.0.1:0 --keys "$TMP/keys" --site "$TMP/site.toml" \
  >"$TMP/station.out" 2>"$TMP/station.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; cleanup' EXIT
wait_for_station "$D" "$TMP/station.log"
OP=$("$WP" station token create --data "$D" --role operator --label "rack")
READ=$("$WP" station token create --data "$D" --role read --label "asset manager")
CURL="curl -sS --cacert $D/tls.pem"
post() { $CURL -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $1" -H "Content-Type: application/json" -d "$2" "$URL/api/v1/jobs"; }
field() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); print($1)"; }

new_loop 16M
[ "$(post "" "{\"device\":\"$LOOP\",\"method\":\"random\",\"confirm\":\"$LOOP_NAME\",\"operator\":\"Op\"}")" = 401 ] ||
  fail "no token must be refused"
[ "$(post "$READ" "{\"device\":\"$LOOP\",\"method\":\"random\",\"confirm\":\"$LOOP_NAME\",\"operator\":\"Op\"}")" = 403 ] ||
  fail "a read token must not start a job"
IDS=""
for n in 1 2 3 4 5 6 7 8; do
  [ $n = 1 ] || new_loop 16M
  python3 -c 'import sys; open(sys.argv[1],"r+b").write(b"MRN-000%s " % sys.argv[2].encode() * 20000)' \
    "$(losetup -nO BACK-FILE "$LOOP")" "$n"
  [ "$(post "$OP" "{\"device\":\"$LOOP\",\"method\":\"random\",\"confirm\":\"$LOOP_NAME\",\"operator\":\"Rack Op\"}")" = 201 ] ||
    { cat "$TMP/body"; fail "job on $LOOP not started"; }
  IDS="$IDS $(field 'd["id"]')"
done
SIM="sim:ata-hdd?size=16M&serial=FAULTY01&fault=bad:100-103"
[ "$(post "$OP" "{\"device\":\"$SIM\",\"method\":\"random\",\"confirm\":\"FAULTY01\",\"operator\":\"Rack Op\"}")" = 201 ] ||
  { cat "$TMP/body"; fail "job on the simulated drive not started"; }
SIMJOB=$(field 'd["id"]')
GONE="sim:ata-hdd?size=16M&serial=GONE0001&fault=vanish:3M"
[ "$(post "$OP" "{\"device\":\"$GONE\",\"method\":\"random\",\"confirm\":\"GONE0001\",\"operator\":\"Rack Op\"}")" = 201 ] ||
  { cat "$TMP/body"; fail "job on the vanishing drive not started"; }
GONEJOB=$(field 'd["id"]')
$CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/jobs"
RUNNING=$(field 'sum(1 for j in d["jobs"] if j["status"]=="running")')
echo "running at once: $RUNNING"
for id in $IDS $SIMJOB $GONEJOB; do
  i=0
  while [ $i -lt 600 ]; do
    $CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/jobs/$id"
    field 'd["status"]' | grep -qx running || break
    sleep 0.2
    i=$((i + 1))
  done
  if [ "$id" = "$GONEJOB" ]; then
    # The drive disappeared mid-pass: a clean end with a record that says so.
    field 'd.get("outcome")' | grep -qx not_erased || { cat "$TMP/body"; fail "a vanished drive must end not_erased"; }
    field 'd["exceptions"]' | grep -q "aborted: sim device: No such device" || fail "the record does not say the drive vanished"
  elif [ "$id" = "$SIMJOB" ]; then
    field 'd.get("outcome")' | grep -qx erased_with_exceptions || { cat "$TMP/body"; fail "faulty drive should end erased_with_exceptions"; }
    field 'd["exceptions"]' | grep -q "LBA 100+4" || fail "the bad LBAs are not named"
    field 'd["exceptions"]' | grep -q "recommendation: destroy the drive" || fail "destruction is not recommended"
  else
    field 'd.get("outcome")' | grep -qx erased || { cat "$TMP/body"; fail "job $id did not end erased"; }
    field 'd["registered"]' | grep -qx True || fail "job $id's certificate not registered"
  fi
done
for l in $LOOPS; do grep -q "MRN-000" "$(losetup -nO BACK-FILE "$l")" && fail "$l still holds its records"; done
$CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?result=erased"
[ "$(field 'd["count"]')" = 8 ] || { cat "$TMP/body"; fail "expected 8 erased certificates"; }
for id in $(field '" ".join(c["id"] for c in d["certificates"])'); do
  $CURL -o "$TMP/c.json" -H "Authorization: Bearer $READ" "$URL/api/v1/certificates/$id.json"
  $CURL -o "$TMP/c.p7s" -H "Authorization: Bearer $READ" "$URL/api/v1/certificates/$id.p7s"
  openssl cms -verify -binary -inform DER -in "$TMP/c.p7s" -content "$TMP/c.json" -CAfile "$TMP/keys/org-ca.pem" \
    -purpose any -out /dev/null 2>/dev/null || fail "certificate $id does not verify"
done
$CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?result=erased_with_exceptions"
[ "$(field 'd["count"]')" = 1 ] || fail "the faulty drive's certificate is not in the registry"
[ "$(field 'd["certificates"][0]["serial"]')" = FAULTY01 ] || fail "wrong serial on the exceptions certificate"
# Custody (issue 8): the drive whose wipe ended with exceptions waits for destruction in the
# station's registry; an operator hands it to a contractor with a manifest; its destruction
# certificate, uploaded to the station, is found by serial beside the wipe certificate.
$CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/custody?state=awaiting_destruction"
# (the vanished drive waits for destruction too: its wipe did not finish)
[ "$(field 'sorted(x["serial"] for x in d["drives"])')" = "['FAULTY01', 'GONE0001']" ] ||
  { cat "$TMP/body"; fail "FAULTY01 and GONE0001 should await destruction"; }
CID=$(field '[x["custody_id"] for x in d["drives"] if x["serial"] == "FAULTY01"][0]')
ho() { $CURL -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
  -d "{\"contractor\":\"Acme Shredding\",\"drives\":[\"$CID\"]}" "$URL/api/v1/custody/handover"; }
[ "$(ho "$READ")" = 403 ] || fail "a read token must not hand drives over"
[ "$(ho "$OP")" = 201 ] || { cat "$TMP/body"; fail "hand-over refused"; }
MANIFEST=$(field 'd["manifest"]')
$CURL -o "$TMP/manifest.pdf" -H "Authorization: Bearer $READ" "$URL$MANIFEST"
head -c 5 "$TMP/manifest.pdf" | grep -q "%PDF-" || fail "no manifest PDF"
[ "$(ho "$OP")" = 409 ] || fail "a drive already handed over must be refused"
printf 'shredder photo' >"$TMP/photo.jpg"
"$WP" destroy record --serial FAULTY01 --method shred --particle-mm 4 --din-level H-5 --operator "Rack Op" --witness "Auditor" \
  --contractor "Acme Shredding" --place "Acme plant" --evidence "$TMP/photo.jpg" --keys "$TMP/keys" --organisation Org \
  --out "$TMP/destroyed" --registry "$D/registry.db" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "destroy record failed"; }
grep -q "custody:     $CID complete" "$TMP/out" || { cat "$TMP/out"; fail "the chain should be complete"; }
"$WP" upload "$TMP/destroyed" --station "$URL" --station-cert "$D/tls.pem" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "upload failed"; }
$CURL -o "$TMP/body" -H "Authorization: Bearer $READ" "$URL/api/v1/certificates?serial=FAULTY01"
[ "$(field 'sorted(c["level"] + "/" + c["result"] for c in d["certificates"])')" = "['clear/erased_with_exceptions', 'destruct/destroyed']" ] ||
  { cat "$TMP/body"; fail "search by serial should find the wipe and the destruction certificate"; }
kill -TERM $PID
wait $PID || fail "station did not stop cleanly"
echo ok
