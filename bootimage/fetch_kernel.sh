#!/bin/sh
# Debian's current stock kernel (the package linux-image-amd64 depends on), downloaded with
# apt-get download and unpacked with dpkg -x into CACHE/KVER — never installed on the host.
# Prints KVER. Shared by bootimage/build.sh and tests/vm/run.sh.
# Usage: bootimage/fetch_kernel.sh CACHE
set -eu
CACHE=$1
mkdir -p "$CACHE"
KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
[ -n "$KPKG" ] || { echo "cannot find Debian's kernel package name (apt-get update?)" >&2; exit 1; }
KVER=${KPKG#linux-image-}
if [ ! -f "$CACHE/$KVER/boot/vmlinuz-$KVER" ]; then
  (cd "$CACHE" && apt-get download "$KPKG" >/dev/null 2>&1) || { echo "apt-get download $KPKG failed" >&2; exit 1; }
  rm -rf "$CACHE/$KVER"
  dpkg -x "$CACHE"/"$KPKG"_*.deb "$CACHE/$KVER"
  depmod -b "$CACHE/$KVER" "$KVER"
  rm -f "$CACHE"/"$KPKG"_*.deb
fi
echo "$KVER"
