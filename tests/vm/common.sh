# Shared by the QEMU guest tests (run.sh, faults.sh): sourced with WP, HERE, CACHE, TMP and fail()
# set. Debian's own kernel (apt-get download, unpacked, not installed) boots a busybox initramfs
# holding the wipeproof binary and its libraries; the guest script is its /init.

KVER=$("$HERE/../../bootimage/fetch_kernel.sh" "$CACHE") || fail "cannot fetch Debian's kernel"
KPKG=linux-image-$KVER
KDIR="$CACHE/$KVER/lib/modules/$KVER/kernel"
KERNEL="$CACHE/$KVER/boot/vmlinuz-$KVER"

# build_initrd GUEST_SCRIPT OUT.gz [EXTRA_MODULES...]: modules load in the order given; the
# guest script sources /lib/guest_lib.sh (tests/vm/guest_lib.sh).
build_initrd() {
  guest=$1
  out=$2
  shift 2
  R="$TMP/root"
  rm -rf "$R"
  mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/lib/modules" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc"
  cp /bin/busybox "$R/bin/busybox"
  for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
  cp "$WP" "$R/usr/bin/wipeproof.full"
  strip -o "$R/usr/bin/wipeproof" "$R/usr/bin/wipeproof.full" && rm "$R/usr/bin/wipeproof.full"
  for lib in $(ldd "$WP" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
  done
  for m in crypto/crct10dif_common crypto/crct10dif_generic lib/crc-t10dif lib/crc64 crypto/crc64_rocksoft_generic \
    lib/crc64-rocksoft block/t10-pi drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/scsi/sd_mod \
    drivers/scsi/sg "$@"; do
    f=$(ls "$KDIR/$m".ko* 2>/dev/null | head -1)
    [ -n "$f" ] || fail "module $m not in $KPKG"
    case "$f" in
      *.xz) xz -dc "$f" >"$R/lib/modules/$(basename "$m").ko" ;;
      *) cp "$f" "$R/lib/modules/$(basename "$m").ko" ;;
    esac
    echo "$(basename "$m")" >>"$R/lib/modules/order"
  done
  cp "$HERE/guest_lib.sh" "$R/lib/guest_lib.sh"
  cp "$guest" "$R/init"
  chmod +x "$R/init"
  (cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out"
}
