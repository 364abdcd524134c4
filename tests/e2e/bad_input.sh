#!/bin/sh
# Bad input gets a clear error and a non-zero exit, and nothing is written.
. "$(dirname "$0")/common.sh"
IMG="$TMP/image.img"
head -c 1048576 /dev/urandom >"$IMG"
before=$(checksum "$IMG")
check_untouched() {
  [ "$(checksum "$IMG")" = "$before" ] || fail "bad input changed the image: $*"
  [ ! -e "$TMP/certs" ] || fail "bad input wrote a record: $*"
}
expect_rc 2 "$WP" wipe "$IMG" --method no-such-method --out "$TMP/certs"
expect_output "error: unknown method 'no-such-method'"
check_untouched method
expect_rc 2 "$WP" wipe "$IMG" --method pattern --pattern zz12 --out "$TMP/certs"
expect_output "is not hex"
check_untouched pattern
expect_rc 2 "$WP" wipe "$IMG" --method pattern --out "$TMP/certs"
expect_output "needs --pattern"
check_untouched no-pattern
for c in 0 -5 100.01 abc; do
  expect_rc 2 "$WP" wipe "$IMG" --verify sample --coverage "$c" --out "$TMP/certs"
  check_untouched "coverage $c"
done
expect_rc 2 "$WP" wipe "$IMG" --verify maybe --out "$TMP/certs"
expect_output "--verify must be full, sample or none"
expect_rc 2 "$WP" wipe "$IMG" --rounds 0 --out "$TMP/certs"
expect_rc 2 "$WP" wipe "$IMG" --seed 1234 --out "$TMP/certs"
expect_rc 2 "$WP" wipe "$IMG" --block-size 0 --out "$TMP/certs"
check_untouched others
head -c 100 /dev/urandom >"$TMP/tiny.img"
tiny=$(checksum "$TMP/tiny.img")
expect_rc 2 "$WP" wipe "$TMP/tiny.img" --out "$TMP/certs"
expect_output "smaller than one 512-byte block"
[ "$(checksum "$TMP/tiny.img")" = "$tiny" ] || fail "tiny image changed"
expect_rc 4 "$WP" wipe "$TMP/does-not-exist.img" --out "$TMP/certs"
expect_output "error: cannot open $TMP/does-not-exist.img: No such file or directory"
expect_rc 2 "$WP" verify "$IMG"
expect_output "give --record FILE or --expect"
echo '{"not":"a record"}' >"$TMP/bad.json"
expect_rc 2 "$WP" verify "$IMG" --record "$TMP/bad.json"
expect_rc 2 "$WP" frobnicate
check_untouched all
echo ok
