#!/bin/sh
# Installs every Debian 12 package wipeproof needs to build and test, then configures and builds
# it in ./build with warnings as errors. Safe to re-run. Run as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
PACKAGES="build-essential cmake pkg-config git libssl-dev libblkid-dev libatasmart-dev libfmt-dev \
  libcli11-dev nlohmann-json3-dev libexpected-dev catch2 libtomlplusplus-dev libqrencode-dev libcairo2-dev \
  libpango1.0-dev libncurses-dev libcpp-httplib-dev libsqlite3-dev fonts-ipafont-gothic e2fsprogs util-linux mount fdisk openssl python3 python3-jsonschema \
  poppler-utils zbar-tools qemu-system-x86 busybox-static kmod cpio xz-utils binutils \
  grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools dosfstools ovmf expect curl librsvg2-bin chromium \
  libpqxx-dev postgresql postgresql-client clang libclang-rt-dev procps"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi
# PostgreSQL on loopback for the shared-registry tests: start the cluster the package made (no
# systemd here) and a throwaway role and database (the password is only for this test database).
if command -v pg_lsclusters >/dev/null; then
  pg_lsclusters -h | while read -r ver name _ status _; do
    [ "$status" = online ] || pg_ctlcluster "$ver" "$name" start
  done
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'wipeproof_test'\"" | grep -q 1 ||
    su postgres -c "psql -q -c \"CREATE ROLE wipeproof_test LOGIN PASSWORD 'wipeproof_test'\""
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'wipeproof_test'\"" | grep -q 1 ||
    su postgres -c "psql -q -c \"CREATE DATABASE wipeproof_test OWNER wipeproof_test\""
fi
# The browser test's driver (playwright-core, pinned in tests/browser/package-lock.json) from the
# npm registry; it drives Debian's chromium, never a downloaded browser.
command -v npm >/dev/null || apt-get install -y -q --no-install-recommends nodejs npm
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIPEPROOF_WERROR=ON
cmake --build build -j"$(nproc)"
