#!/usr/bin/env bash
# Builds nitro-attest and runs every test twice: a normal build (build/) and one under
# AddressSanitizer + UndefinedBehaviorSanitizer with LeakSanitizer on (build-asan/), where any
# report fails the run. Both include the fuzz corpus replays (ctest -R fuzz_replay). Installs
# missing Debian packages first. Set NITRO_ATTEST_SKIP_SANITIZE=1 to skip the second build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build test
jobs=$(nproc)
# Tests on explicitly: scripts/demo.sh configures the same build/ with them off, and CMake
# would keep that cached choice. --no-tests=error: a build without tests must fail, not pass.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNITRO_ATTEST_WERROR=ON \
  -DNITRO_ATTEST_BUILD_TESTS=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure --no-tests=error -j"$jobs"

if [ "${NITRO_ATTEST_SKIP_SANITIZE:-0}" != 1 ]; then
  # Warnings were made errors in build/ already; here g++ 12's -Wmaybe-uninitialized misfires
  # under -fsanitize=address (inside libstdc++'s <regex>), so they stay warnings.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNITRO_ATTEST_WERROR=OFF \
    -DNITRO_ATTEST_SANITIZE=ON -DNITRO_ATTEST_BUILD_TESTS=ON
  cmake --build build-asan -j"$jobs"
  # abort_on_error/halt_on_error: every report fails its test; leaks are reported at exit.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$jobs"
fi
