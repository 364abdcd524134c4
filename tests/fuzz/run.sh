#!/bin/sh
# Issue 9, part 4: builds build-fuzz with clang, AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer; runs the unit tests under the sanitizers, then every fuzzer for FUZZ_SECONDS (default
# 20) starting from its seed corpus (tests/fuzz/corpus/<harness>/, copied: the repository's corpus
# only changes by hand). A crash, leak or undefined behaviour fails; the input is kept in
# build/artifacts/fuzz/ — add it to the corpus as a regression input when fixing it.
# Usage: tests/fuzz/run.sh [SECONDS]   (bench/fuzz.sh runs them longer)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${FUZZ_BUILD:-$ROOT/build-fuzz}
SECS=${1:-${FUZZ_SECONDS:-20}}
ART="$ROOT/build/artifacts/fuzz"
mkdir -p "$ART"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIPEPROOF_FUZZ=ON -DWIPEPROOF_SANITIZE=ON >/dev/null
UNITS="core_test device_test wipe_test verify_test job_test certs_test station_test tui_test"
cmake --build "$B" -j"$(nproc)" --target fuzzers $UNITS >"$ART/build.log" 2>&1 || { tail -40 "$ART/build.log"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for t in $UNITS; do
  echo "== $t under ASan + UBSan"
  "$B/tests/$t" >"$ART/$t.log" 2>&1 || { tail -40 "$ART/$t.log"; echo "FAIL: $t under the sanitizers"; exit 1; }
  tail -2 "$ART/$t.log" | head -1
done
WORK=$(mktemp -d /tmp/wipeproof-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for f in "$B"/tests/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  mkdir -p "$WORK/$name"
  cp "$ROOT/tests/fuzz/corpus/$name"/* "$WORK/$name"/ 2>/dev/null || true
  echo "== $name for ${SECS}s"
  # A fixed seed keeps CI repeatable; bench/fuzz.sh explores (FUZZ_SEED=0: random).
  if ! "$f" -seed="${FUZZ_SEED:-1}" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$ART/$name-" "$WORK/$name" >"$ART/$name.log" 2>&1; then
    tail -30 "$ART/$name.log"
    echo "FAIL: $name found a crash; the input is in $ART"
    exit 1
  fi
  grep -E "stat::number_of_executed_units|cov:" "$ART/$name.log" | tail -2 | tr '\n' ' '
  echo
done
echo ok
