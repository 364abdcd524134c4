#!/bin/sh
# Browser test of the dashboard (issue 7): a station on loopback with one loop device in a manual
# bay, an operator account, and tests/browser/dashboard.mjs driving Debian's chromium headless.
# The screenshot is kept as an artifact: build/artifacts/dashboard.png (path as $2).
. "$(dirname "$0")/../e2e/common.sh"
SHOT="$2"
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$HERE/node_modules/playwright-core" ] || fail "playwright-core missing: run scripts/setup.sh (npm ci in tests/browser)"
mkdir -p "$(dirname "$SHOT")"
"$WP" keys init --dir "$TMP/keys" --organisation "Org" --signer "tech" >/dev/null
printf '[organisation]\nname = "Org"\n' >"$TMP/site.toml"
new_loop 16M
D="$TMP/station"
printf '[[bay]]\nname = "Bay 1"\ndevice = "%s"\npolicy = "manual"\nlevel = "purge"\n' "$LOOP" >"$TMP/station.toml"
"$WP" station --config "$TMP/station.toml" --data "$D" --listen 127.0.0.1:0 --keys "$TMP/keys" --site "$TMP/site.toml" \
  >"$TMP/station.out" 2>"$TMP/station.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; cleanup' EXIT
wait_for_station "$D" "$TMP/station.log"
echo "a long dashboard password" | "$WP" station user add tech --role operator --data "$D" --password-stdin >"$TMP/enrol"
SECRET=$(sed -n 's/^totp secret: //p' "$TMP/enrol")
node "$HERE/dashboard.mjs" "$URL/" tech "a long dashboard password" "$SECRET" "$LOOP" \
  "$LOOP_NAME" "$SHOT" || { tail -5 "$TMP/station.log"; fail "browser test failed (screenshot: $SHOT)"; }
grep -q 'tech@127.0.0.1 (operator)","detail":"POST /api/v1/jobs' "$TMP/station.log" || fail "the wipe was not started by tech's session"
grep '"action":"login-refused"' "$TMP/station.log" | grep -q 'wrong TOTP code' || fail "the wrong code was not audited"
kill -TERM $PID
wait $PID || fail "station did not stop cleanly"
echo ok
