#!/bin/sh
# Builds the wipeproof boot image: Debian's stock kernel, a busybox initramfs with the wipeproof
# binary and exactly the shared libraries, kernel modules and fonts it needs, GRUB for BIOS and
# UEFI, assembled with xorriso into one hybrid image that boots as an ISO or from a USB stick
# written with dd. A third partition (FAT, label WIPEPROOF) carries the site file and keys and
# receives certificates and logs. Reproducible: the same inputs and SOURCE_DATE_EPOCH give the
# same bytes. docs/bootimage.md explains every step.
#
# Usage: bootimage/build.sh --out IMG [--keys DIR] [--site FILE] [--auto clear|purge]
#                           [--station URL --station-cert PEM]
#                           [--wipeproof BINARY] [--cache DIR] [--data-size MiB]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
OUT="" KEYS="" SITE="" AUTO="" STATION="" STATION_CERT="" WP="$TOP/build/wipeproof" CACHE="$TOP/build/boot-cache" DATA_MB=64

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}
die() { echo "bootimage: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "bootimage: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) need_arg "$@"; OUT=$2; shift 2 ;;
    --keys) need_arg "$@"; KEYS=$2; shift 2 ;;
    --site) need_arg "$@"; SITE=$2; shift 2 ;;
    --auto) need_arg "$@"; AUTO=$2; shift 2 ;;
    --station) need_arg "$@"; STATION=$2; shift 2 ;;
    --station-cert) need_arg "$@"; STATION_CERT=$2; shift 2 ;;
    --wipeproof) need_arg "$@"; WP=$2; shift 2 ;;
    --cache) need_arg "$@"; CACHE=$2; shift 2 ;;
    --data-size) need_arg "$@"; DATA_MB=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "bootimage: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
[ -n "$OUT" ] || { echo "bootimage: --out IMG is required" >&2; usage 2; }
case "$AUTO" in ""|clear|purge) ;; *) echo "bootimage: --auto must be clear or purge, got '$AUTO'" >&2; exit 2 ;; esac
case "$DATA_MB" in *[!0-9]*|"") echo "bootimage: --data-size takes MiB (a number)" >&2; exit 2 ;; esac
[ "$DATA_MB" -ge 16 ] || { echo "bootimage: --data-size must be at least 16 (MiB)" >&2; exit 2; }
[ -x "$WP" ] || die "no wipeproof binary at $WP (build first, or --wipeproof BINARY)"
WP=$(cd "$(dirname "$WP")" && pwd)/$(basename "$WP")
if [ -n "$KEYS" ]; then
  [ -f "$KEYS/signer.key" ] && [ -f "$KEYS/signer.pem" ] || die "$KEYS has no signer.key/signer.pem (wipeproof keys init|issue)"
fi
[ -z "$SITE" ] || [ -f "$SITE" ] || die "site file $SITE not found"
if [ -n "$STATION" ] || [ -n "$STATION_CERT" ]; then
  [ -n "$STATION" ] && [ -n "$STATION_CERT" ] || { echo "bootimage: --station and --station-cert go together" >&2; exit 2; }
  case "$STATION" in https://*) ;; *) echo "bootimage: --station must be an https:// URL" >&2; exit 2 ;; esac
  openssl x509 -in "$STATION_CERT" -noout 2>/dev/null || die "$STATION_CERT is not a PEM certificate"
fi
for t in grub-mkimage xorriso mkfs.fat mcopy mmd cpio gzip depmod modprobe strip sha256sum sfdisk; do
  command -v "$t" >/dev/null || die "$t is missing (scripts/setup.sh installs it)"
done
[ -f /usr/lib/grub/i386-pc/boot_hybrid.img ] || die "grub-pc-bin is missing"
[ -d /usr/lib/grub/x86_64-efi ] || die "grub-efi-amd64-bin is missing"
BUSYBOX=/bin/busybox
ldd "$BUSYBOX" 2>&1 | grep -q "not a dynamic executable" || die "$BUSYBOX is not the static busybox (busybox-static)"

# Every timestamp in the image comes from here: the last commit, unless given.
: "${SOURCE_DATE_EPOCH:=$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || echo 1767225600)}"
export SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC
umask 022

W=$(mktemp -d /tmp/wipeproof-bootimage.XXXXXX)
trap 'rm -rf "$W"' EXIT
step() { echo "bootimage: $*"; }

# --- 1. kernel ---------------------------------------------------------------------------------
step "kernel (Debian linux-image-amd64, apt-get download + dpkg -x)"
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)  # modprobe -d needs an absolute path
KVER=$("$HERE/fetch_kernel.sh" "$CACHE")
KROOT="$CACHE/$KVER"

# --- 2. initramfs root ------------------------------------------------------------------------
step "initramfs for kernel $KVER"
R="$W/root"
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc" "$R/wp" "$R/run" \
  "$R/lib/modules/$KVER"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
strip -o "$R/usr/bin/wipeproof" "$WP"
# Exactly the shared libraries the binary needs (ldd), dereferenced to their real files.
for lib in $(ldd "$WP" | grep -o '/[^ ]*' | sort -u); do
  mkdir -p "$R$(dirname "$lib")"
  cp -L "$lib" "$R$lib"
done
# Kernel modules with their dependencies, in load order (modprobe --show-depends).
MODULES="nvme ahci ata_piix sd_mod sg sr_mod usb_storage uas xhci_pci ehci_pci uhci_hcd ohci_pci vfat nls_cp437
nls_iso8859_1 nls_utf8 nls_ascii virtio_blk virtio_pci virtio_scsi"
# Network, only for uploading certificates to a station (--station): common wired NICs + raw sockets.
[ -z "$STATION" ] || MODULES="$MODULES af_packet e1000 e1000e igb r8169 tg3 virtio_net"
: >"$R/etc/modules"
for m in $MODULES; do
  modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>/dev/null | sed -n 's/^insmod \([^ ]*\).*/\1/p' >"$W/deps" || true
  if [ ! -s "$W/deps" ]; then
    # Built into the kernel (modules.builtin names files with '-' or '_'), or an error.
    pat=$(echo "$m" | sed 's/[-_]/[-_]/g')
    grep -q "/$pat\.ko" "$KROOT/lib/modules/$KVER/modules.builtin" 2>/dev/null && continue
    die "kernel module $m not found in $KVER"
  fi
  while read -r ko; do
    rel=${ko#"$KROOT/lib/modules/$KVER/"}
    rel=${rel#/}
    mkdir -p "$R/lib/modules/$KVER/$(dirname "$rel")"
    case "$ko" in
      *.xz) xz -dc "$ko" >"$R/lib/modules/$KVER/${rel%.xz}" ;;
      *) cp "$ko" "$R/lib/modules/$KVER/$rel" ;;
    esac
  done <"$W/deps"
  echo "$m" >>"$R/etc/modules"
done
cp "$KROOT/lib/modules/$KVER/modules.builtin" "$KROOT/lib/modules/$KVER/modules.order" "$R/lib/modules/$KVER/" 2>/dev/null || true
depmod -b "$R" "$KVER"
# Fonts for the PDF certificate (pango/cairo through fontconfig).
mkdir -p "$R/usr/share/fonts/truetype" "$R/etc/fonts" "$R/var/cache/fontconfig"
cp /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf "$R/usr/share/fonts/truetype/"
cat >"$R/etc/fonts/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts</dir>
  <cachedir>/tmp/fontconfig</cachedir>
</fontconfig>
CONF
cp "$HERE/init.sh" "$R/init"
cp "$HERE/menu.sh" "$R/usr/bin/wipeproof-menu"
cp "$HERE/session.sh" "$R/usr/bin/wipeproof-session"
mkdir -p "$R/usr/lib/wipeproof"
cp "$HERE/common.sh" "$R/usr/lib/wipeproof/common.sh"
mkdir -p "$R/usr/share/udhcpc"
cp "$HERE/udhcpc.script" "$R/usr/share/udhcpc/default.script"
cp "$HERE/upload.sh" "$R/usr/bin/wipeproof-upload"
chmod 0755 "$R/usr/bin/wipeproof-upload"
chmod 0755 "$R/usr/share/udhcpc/default.script"
chmod 0755 "$R/init" "$R/usr/bin/wipeproof-menu" "$R/usr/bin/wipeproof-session"
# Terminal descriptions for the ncurses screen: the Linux console, serial terminals, xterm.
for t in l/linux v/vt100 v/vt220 x/xterm d/dumb; do
  mkdir -p "$R/lib/terminfo/$(dirname "$t")"
  cp "/lib/terminfo/$t" "$R/lib/terminfo/$t"
done
echo "$KVER" >"$R/etc/wipeproof-kernel"
# Reproducible archive: sorted names, one timestamp, root ownership, no gzip name/time.
find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$R" && find . | sort | cpio -o -H newc -R 0:0 --reproducible 2>/dev/null | gzip -9 -n) >"$W/initrd.gz"

# --- 3. the system file system (ISO 9660) and GRUB --------------------------------------------
step "GRUB for BIOS and UEFI"
I="$W/iso"
mkdir -p "$I/boot/grub"
cp "$KROOT/boot/vmlinuz-$KVER" "$I/boot/vmlinuz"
cp "$W/initrd.gz" "$I/boot/initrd.gz"
echo "wipeproof boot image" >"$I/boot/wipeproof.id"
ARGS="console=tty0 console=ttyS0,115200n8 quiet panic=10"
if [ -n "$AUTO" ]; then
  DEFAULT_TITLE="wipeproof: UNATTENDED $AUTO of every drive except this stick, then power off"
  DEFAULT_ARGS="$ARGS wipeproof.auto=$AUTO wipeproof.confirm=all"
else
  DEFAULT_TITLE="wipeproof (technician menu)"
  DEFAULT_ARGS="$ARGS"
fi
cat >"$I/boot/grub/grub.cfg" <<CFG
# wipeproof boot menu. Serial console on ttyS0 (115200 8N1) and the screen at once.
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=3
set default=0
menuentry "$DEFAULT_TITLE" {
  linux /boot/vmlinuz $DEFAULT_ARGS
  initrd /boot/initrd.gz
}
menuentry "wipeproof (technician menu, serial console)" {
  linux /boot/vmlinuz console=tty0 console=ttyS0,115200n8 quiet panic=10
  initrd /boot/initrd.gz
}
menuentry "wipeproof (technician menu, screen)" {
  linux /boot/vmlinuz console=ttyS0,115200n8 console=tty0 quiet panic=10
  initrd /boot/initrd.gz
}
CFG
# Early config embedded in both GRUB images: find the system file system by its marker file,
# whether booted as a CD, from a USB stick in BIOS mode or from the EFI partition.
cat >"$W/early.cfg" <<'CFG'
search --no-floppy --set=root --file /boot/wipeproof.id
set prefix=($root)/boot/grub
configfile $prefix/grub.cfg
CFG
MODS="search search_fs_file configfile normal linux echo test serial terminal iso9660 fat part_msdos part_gpt gzio
all_video"
grub-mkimage -O i386-pc-eltorito -p /boot/grub -c "$W/early.cfg" -o "$I/boot/grub/bios.img" biosdisk $MODS
mkdir -p "$W/efi/EFI/BOOT"
grub-mkimage -O x86_64-efi -p /boot/grub -c "$W/early.cfg" -o "$W/efi/EFI/BOOT/BOOTX64.EFI" $MODS
find "$I" "$W/efi" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# The EFI system partition image (FAT, invariant: fixed serial, no clock).
truncate -s 4M "$W/efi.img"
mkfs.fat --invariant -i 57504546 -n WPEFI "$W/efi.img" >/dev/null
mmd -i "$W/efi.img" ::/EFI ::/EFI/BOOT
mcopy -m -i "$W/efi.img" "$W/efi/EFI/BOOT/BOOTX64.EFI" ::/EFI/BOOT/

# --- 4. the WIPEPROOF data partition ----------------------------------------------------------
step "WIPEPROOF partition (${DATA_MB} MiB): site file, keys, certs/, logs/"
D="$W/data"
mkdir -p "$D/certs" "$D/logs"
cat >"$D/README.TXT" <<'TXT'
wipeproof data partition.
  site.toml   organisation, operator and validator for the certificates
  keys/       signing keys (wipeproof keys init / issue); keep this stick safe
  certs/      certificates written here: <id>.json, <id>.p7s, <id>.pdf, ledger.jsonl
  logs/       one log per drive and boot.log
See docs/bootimage.md.
TXT
[ -z "$SITE" ] || cp "$SITE" "$D/site.toml"
if [ -n "$STATION" ]; then
  # Where certificates go, and the one server certificate trusted for it (pinning). Not secret.
  echo "$STATION" >"$D/station.url"
  cp "$STATION_CERT" "$D/station.pem"
fi
if [ -n "$KEYS" ]; then
  # The signer's key and certificate, and the CA certificate for the chain; never the CA's
  # private key (a lost stick must not let anyone issue signers).
  mkdir -p "$D/keys"
  cp "$KEYS/signer.key" "$KEYS/signer.pem" "$D/keys/"
  [ ! -f "$KEYS/org-ca.pem" ] || cp "$KEYS/org-ca.pem" "$D/keys/"
  [ ! -f "$KEYS/org-ca.key" ] || echo "bootimage: note: $KEYS/org-ca.key (the CA's private key) is NOT put on the stick"
fi
find "$D" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
truncate -s "${DATA_MB}M" "$W/data.img"
mkfs.fat --invariant -i 57495045 -n WIPEPROOF "$W/data.img" >/dev/null
# mtools stamps directories it makes with the clock; copy whole trees with -m (source mtimes)
# and -s (recursive) so every entry carries SOURCE_DATE_EPOCH.
(cd "$D" && for e in $(ls -A | sort); do mcopy -m -s -i "$W/data.img" "$e" ::/; done)

# --- 5. assembly --------------------------------------------------------------------------------
step "hybrid image (xorriso): ISO 9660 + GRUB BIOS/UEFI + EFI partition + WIPEPROOF partition"
rm -f "$OUT"
xorriso -as mkisofs -quiet -iso-level 3 -r -V WIPEPROOF_SYS \
  --modification-date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)" \
  --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
  -partition_offset 16 --mbr-force-bootable \
  -append_partition 2 0xef "$W/efi.img" \
  -append_partition 3 0x0c "$W/data.img" \
  -c boot/boot.cat \
  -b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
  -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
  -o "$OUT" "$I" 2>"$W/xorriso.log" || { cat "$W/xorriso.log" >&2; die "xorriso failed"; }

# The system hash: SHA-256 of partition 1 (the ISO 9660 file system with kernel, initramfs and
# GRUB). It never changes in use; the booted system hashes its own partition 1 and every
# certificate records the value (job.boot_image_sha256).
P1=$(sfdisk -d "$OUT" | sed -n 's/.*1 : start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -1)
[ -n "$P1" ] || die "cannot read partition 1 of $OUT"
SYS=$(dd if="$OUT" bs=512 skip="${P1% *}" count="${P1#* }" status=none | sha256sum | cut -d' ' -f1)
IMGSUM=$(sha256sum "$OUT" | cut -d' ' -f1)
printf '%s  %s\n%s  %s\n' "$IMGSUM" "$(basename "$OUT")" "$SYS" "system-partition (job.boot_image_sha256)" >"$OUT.sha256"
step "done: $OUT ($(du -h "$OUT" | cut -f1))"
echo "image sha256:  $IMGSUM"
echo "system sha256: $SYS"
