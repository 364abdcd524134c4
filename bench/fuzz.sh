#!/bin/sh
# Runs every libFuzzer harness longer than CI does (default 600 s each) with the sanitizers, from
# the seed corpus; prints executions and coverage per harness. A crash stops it and leaves the
# input in build/artifacts/fuzz/ (add it to tests/fuzz/corpus/<harness>/ with the fix).
# Usage: bench/fuzz.sh [SECONDS]
FUZZ_SEED=${FUZZ_SEED:-0} exec sh "$(dirname "$0")/../tests/fuzz/run.sh" "${1:-600}"
