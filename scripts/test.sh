#!/usr/bin/env bash
# Runs every test of kscratch: installs dependencies, builds (build/ by default, with
# warnings as errors), runs the unit and end-to-end tests (then prints what each
# end-to-end test verified, scripts/e2e-summary.sh), then builds the unit tests
# again with AddressSanitizer + UndefinedBehaviorSanitizer and runs them there.
#
#   sudo scripts/test.sh            everything
#   BUILD_DIR=out scripts/test.sh   another build directory
#   SKIP_SANITIZERS=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
ASAN_DIR=${ASAN_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "build ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKSCRATCH_WERROR=ON
cmake --build "$BUILD_DIR" -j"$JOBS"

step "unit and end-to-end tests"
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 || rc=$?
step "what the end-to-end tests verified"
scripts/e2e-summary.sh "$BUILD_DIR" || true
((rc == 0)) || exit "$rc"

if [[ -z ${SKIP_SANITIZERS:-} ]]; then
  step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer ($ASAN_DIR)"
  cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=Debug -DKSCRATCH_SANITIZE=ON -DKSCRATCH_WERROR=ON
  cmake --build "$ASAN_DIR" -j"$JOBS" --target kscratch-unit-tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$ASAN_DIR" --output-on-failure -j2 -L unit
fi

step "all tests passed"
