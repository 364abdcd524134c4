#!/bin/sh
# The station as a rack (issue 7): bays from station.toml; a loop device attached while the
# station runs appears in the API within 2 s and, in an `auto` bay, is wiped unattended with its
# certificate registered; a `manual` bay waits. A person signs in with password + TOTP (a wrong
# code and a replayed code are refused and audited), follows a wipe they start over server-sent
# events, and a removed drive is noticed. SIGTERM during a wipe records it as interrupted; after
# the restart it is listed so and can be restarted to completion.
. "$(dirname "$0")/common.sh"
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
printf '[organisation]\nname = "Org"\n' >"$TMP/site.toml"
D="$TMP/station"

# The manual bay's drive is there from the start; the auto bay's loop node is reserved by name
# and attached later (hot-plug). Bays match these exact nodes, never every loop device.
new_loop 8M
MAN=$LOOP
MAN_NAME=$LOOP_NAME
AUTO=$(losetup -f)
cat >"$TMP/station.toml" <<TOML
data = "$D"
listen = "127.0.0.1:0"
keys = "$TMP/keys"
site = "$TMP/site.toml"
poll_ms = 200

[[bay]]
name = "M1"
device = "$MAN"
policy = "manual"

[[bay]]
name = "A1"
device = "$AUTO"
policy = "auto"
method = "random"
operator = "Unattended Op"
TOML
printf 'data = "%s"\n[[bay]]\nname = "x"\n' "$D" >"$TMP/bad.toml"
expect_rc 2 "$WP" station --config "$TMP/bad.toml"
expect_output "bay 'x': give exactly one of by_path or device"

start_station() {
  rm -f "$D/port"
  "$WP" station --config "$TMP/station.toml" >"$TMP/station.out" 2>"$TMP/station.log" &
  PID=$!
  wait_for_station "$D" "$TMP/station.log"
}
start_station
trap 'kill $PID 2>/dev/null || true; cleanup' EXIT
ADMIN=$(cat "$D/admin.token")
CURL="curl -sS --cacert $D/tls.pem"
get() { $CURL -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$URL$1"; }
field() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); print($1)"; }

# Structured logs: every line on stderr is a JSON object.
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$TMP/station.log" ||
  fail "station log is not JSON lines"
grep -q '"action":"start"' "$TMP/station.log" || fail "start not logged"

# Hot-plug into the auto bay: visible within 2 s, then wiped without anyone asking.
truncate -s 8M "$TMP/auto.img"
python3 -c 'import sys; open(sys.argv[1],"r+b").write(b"PATIENT-RECORD " * 1000)' "$TMP/auto.img"
T0=$(date +%s%N)
losetup "$AUTO" "$TMP/auto.img"
LOOPS="$LOOPS $AUTO"
SEEN=""
while [ $(( ($(date +%s%N) - T0) / 1000000 )) -lt 5000 ]; do
  get /api/v1/drives >/dev/null
  if grep -q "\"path\":\"$AUTO\"" "$TMP/body"; then SEEN=$(( ($(date +%s%N) - T0) / 1000000 )); break; fi
  sleep 0.05
done
[ -n "$SEEN" ] || fail "$AUTO never appeared in /api/v1/drives"
echo "hot-plug: $AUTO listed after $SEEN ms"
[ "$SEEN" -le 2000 ] || fail "$AUTO took $SEEN ms to appear (limit 2000)"
field '[b for b in d["drives"] if b["path"]=="'"$AUTO"'"][0]["bay"]' | grep -qx A1 || fail "$AUTO not mapped to bay A1"
i=0
while [ $i -lt 300 ]; do
  get /api/v1/bays >/dev/null
  STATUS=$(field '([b for b in d["bays"] if b["name"]=="A1"][0].get("job") or {}).get("status","none")')
  [ "$STATUS" = finished ] && break
  sleep 0.2
  i=$((i + 1))
done
[ "$STATUS" = finished ] || { cat "$TMP/body"; fail "auto bay job did not finish ($STATUS)"; }
field '[b for b in d["bays"] if b["name"]=="A1"][0]["job"]["outcome"]' | grep -qx erased || fail "auto job not erased"
field '[b for b in d["bays"] if b["name"]=="A1"][0]["job"]["started_by"]' | grep -q "bay A1 (auto)" || fail "auto job not attributed to its bay"
grep -c "PATIENT-RECORD" "$TMP/auto.img" >/dev/null && fail "auto bay left the data readable"
field '[b for b in d["bays"] if b["name"]=="M1"][0]["job"]' | grep -qx None || fail "the manual bay must not start by itself"
field '[b for b in d["bays"] if b["name"]=="M1"][0]["drive"]["path"]' | grep -qx "$MAN" || fail "manual bay lacks its drive"

# Accounts: password + TOTP. Wrong code refused and audited; replayed code refused.
expect_rc 2 sh -c "echo short | '$WP' station user add bob --data '$D' --password-stdin"
expect_output "at least 12 characters"
echo "correct horse battery" | "$WP" station user add alice --role operator --data "$D" --password-stdin \
  --qr-svg "$TMP/alice.svg" >"$TMP/enrol"
SECRET=$(sed -n 's/^totp secret: //p' "$TMP/enrol")
[ -n "$SECRET" ] || fail "no TOTP secret printed"
grep -q "otpauth uri: otpauth://totp/wipeproof:alice?secret=$SECRET" "$TMP/enrol" || fail "no otpauth URI"
rsvg-convert "$TMP/alice.svg" >"$TMP/alice.png"
zbarimg -q --raw "$TMP/alice.png" | grep -q "secret=$SECRET" || fail "QR code does not decode to the otpauth URI"
expect_rc 3 sh -c "echo 'correct horse battery' | '$WP' station user add alice --data '$D' --password-stdin"
expect_output "already exists"
totp() { python3 - "$SECRET" "${1:-0}" <<'PY'
import base64, hmac, hashlib, struct, sys, time
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
step = int(time.time()) // 30 + int(sys.argv[2])
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}
login() { $CURL -o "$TMP/body" -w '%{http_code}' -c "$TMP/cookies" -H "Content-Type: application/json" \
  -d "{\"user\":\"alice\",\"password\":\"$1\",\"totp\":\"$2\"}" "$URL/api/v1/login"; }
GOOD=$(totp)
BAD=$(totp 5)
[ "$(login 'correct horse battery' "$BAD")" = 401 ] || fail "a wrong TOTP code must be refused"
[ "$(login 'wrong horse battery' "$GOOD")" = 401 ] || fail "a wrong password must be refused"
[ "$(login 'correct horse battery' "$GOOD")" = 200 ] || { cat "$TMP/body"; fail "login with both factors refused"; }
grep -q 'wp_session' "$TMP/cookies" || fail "no session cookie"
cp "$TMP/cookies" "$TMP/alice.cookies"
[ "$(login 'correct horse battery' "$GOOD")" = 401 ] || fail "a TOTP code must not work twice"
S="$CURL -b $TMP/alice.cookies"
$S "$URL/api/v1/me" | grep -q '"user":"alice"' || fail "session not recognised"
get /api/v1/audit >/dev/null
grep -q 'alice@127.0.0.1 login-refused wrong TOTP code' "$TMP/body" || fail "wrong TOTP not audited"
grep -q 'alice@127.0.0.1 login signed in with password and TOTP' "$TMP/body" || fail "login not audited"
$S "$URL/" | grep -q '<title>wipeproof station</title>' || fail "dashboard not served"

# Issue 16 #4: a page on another origin (another port of this host too) changes nothing through
# alice's cookie; her own dashboard's requests carry its Origin. Every answer refuses framing,
# sniffing and caching.
xo() { $S -o "$TMP/body" -w '%{http_code}' "$@" "$URL/api/v1/jobs"; }
JOBREQ="{\"device\":\"$MAN\",\"method\":\"random\",\"confirm\":\"$MAN_NAME\"}"
[ "$(xo -H "Origin: https://127.0.0.1:1" -H "Content-Type: application/json" -d "$JOBREQ")" = 403 ] ||
  fail "a cross-origin POST with the session cookie was not refused"
grep -q "cross-origin request refused" "$TMP/body" || fail "the cross-origin refusal does not say why"
[ "$(xo -H "Content-Type: application/json" -d "$JOBREQ")" = 403 ] || fail "a cookie POST without Origin was not refused"
[ "$(xo -H "Origin: $URL" -H "Content-Type: text/plain" -d "$JOBREQ")" = 403 ] ||
  fail "a form-like (text/plain) POST with the session cookie was not refused"
$S -D "$TMP/headers" -o /dev/null "$URL/"
for h in "X-Frame-Options: DENY" "X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer" \
  "Strict-Transport-Security: max-age" "frame-ancestors 'none'"; do
  grep -qi "$h" "$TMP/headers" || { cat "$TMP/headers"; fail "the dashboard lacks '$h'"; }
done
$S -D "$TMP/headers" -o /dev/null "$URL/api/v1/me"
grep -qi "Cache-Control: no-store" "$TMP/headers" || fail "API answers may be cached"
S="$S -H Origin:$URL"

# Server-sent events while alice wipes the manual bay's drive from her session.
$S -N "$URL/api/v1/events" >"$TMP/events" 2>/dev/null &
SSE=$!
sleep 0.5
code=$($S -o "$TMP/body" -w '%{http_code}' -H "Content-Type: application/json" \
  -d "{\"device\":\"$MAN\",\"method\":\"random\",\"confirm\":\"$MAN_NAME\"}" "$URL/api/v1/jobs")
[ "$code" = 201 ] || { cat "$TMP/body"; fail "alice could not start a job"; }
JOB=$(field 'd["id"]')
i=0
while [ $i -lt 200 ] && ! grep -q "event: job_finished" "$TMP/events"; do sleep 0.1; i=$((i + 1)); done
kill $SSE 2>/dev/null || true
for e in job_started job_progress job_finished; do grep -q "event: $e" "$TMP/events" || fail "no $e event"; done
grep -q "\"percent\":100" "$TMP/events" || fail "progress never reached 100 % in the events"
get "/api/v1/jobs/$JOB" >/dev/null
field 'd["operator"]' | grep -qx alice || fail "the signed-in person must be the job's operator"

# A removed drive is noticed.
losetup -d "$MAN"
i=0
while [ $i -lt 40 ] && ! grep -q "removed: $MAN" "$TMP/station.log"; do sleep 0.1; i=$((i + 1)); done
grep -q "removed: $MAN" "$TMP/station.log" || fail "drive removal not logged"

# SIGTERM during a wipe: the job ends recorded as interrupted, never untracked; when the station
# comes back it resumes the job from its journal (interrupted → resumed) and it ends erased.
new_loop 1G
BIG=$LOOP
code=$($S -o "$TMP/body" -w '%{http_code}' -H "Content-Type: application/json" \
  -d "{\"device\":\"$BIG\",\"method\":\"dod3\",\"confirm\":\"$LOOP_NAME\"}" "$URL/api/v1/jobs")
[ "$code" = 201 ] || { cat "$TMP/body"; fail "job on $BIG not started"; }
BIGJOB=$(field 'd["id"]')
sleep 1.5
kill -TERM $PID
wait $PID || fail "station did not stop cleanly"
grep -q "$BIGJOB interrupted at station shutdown" "$TMP/station.log" || { tail "$TMP/station.log"; fail "shutdown did not record the running job"; }
[ -n "$(ls "$D"/certs/*.journal)" ] || fail "the interrupted wipe left no journal"
start_station
grep -q "$BIGJOB on $BIG: interrupted → resumed" "$TMP/station.log" || { tail "$TMP/station.log"; fail "the station did not resume the job"; }
wait_job_end() {  # ID
  i=0
  while [ $i -lt 600 ]; do
    get "/api/v1/jobs/$1" >/dev/null
    field 'd["status"]' | grep -qx running || break
    sleep 0.2
    i=$((i + 1))
  done
}
wait_job_end "$BIGJOB"
field 'd.get("outcome")' | grep -qx erased || { cat "$TMP/body"; cat "$D/certs/$BIGJOB.stderr.log"; fail "the resumed job did not end erased"; }
field 'd["resumed"]' | grep -qx True || fail "job does not say it was resumed"
field '" → ".join(h["event"] for h in d["history"])' | grep -qx "interrupted → resumed" || { cat "$TMP/body"; fail "job history"; }
CERTJSON=$(field 'd["certificate_path"]')
python3 -c "import json,sys; c=json.load(open(sys.argv[1])); i=c['sanitization']['interruptions']; assert len(i)==1 and i[0]['resumed_by']=='station', i" "$CERTJSON" ||
  fail "the certificate does not list the interruption"
$CURL -o "$TMP/body" -H "Authorization: Bearer $ADMIN" -d "" "$URL/api/v1/jobs/$BIGJOB/restart" -w '%{http_code}' |
  grep -qx 201 || { cat "$TMP/body"; fail "restart refused"; }
NEWJOB=$(field 'd["id"]')
wait_job_end "$NEWJOB"
field 'd.get("outcome")' | grep -qx erased || { cat "$TMP/body"; fail "the restarted job did not end erased"; }
field 'd["restart_of"]' | grep -qx "$BIGJOB" || fail "restarted job does not name the interrupted one"
kill -TERM $PID
wait $PID || fail "station did not stop cleanly"
echo ok
