#!/bin/sh
# --dry-run prints the plan and leaves the target byte-identical (image file and loop device).
. "$(dirname "$0")/common.sh"
head -c 4194304 /dev/urandom >"$TMP/image.img"
before=$(checksum "$TMP/image.img")
expect_rc 0 "$WP" wipe "$TMP/image.img" --method gutmann --dry-run --out "$TMP/certs"
expect_output "dry run: nothing will be written"
expect_output "pass 35/35"
[ "$(checksum "$TMP/image.img")" = "$before" ] || fail "dry run changed the image"
[ ! -e "$TMP/certs" ] || fail "dry run wrote a record"

new_loop 16M
mkfs.ext4 -q "$LOOP"
before=$(checksum "$LOOP")
expect_rc 0 "$WP" wipe "$LOOP" --verify sample --dry-run --json
expect_output '"writes":false'
expect_output "would need --confirm $LOOP_NAME"
[ "$(checksum "$LOOP")" = "$before" ] || fail "dry run changed the loop device"
echo ok
