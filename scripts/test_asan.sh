#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-asan/ (or $ASAN_BUILD_DIR), run with ctest. Any report fails the
# run: UBSan does not recover, ASan stops at the first error, and a server
# that reports a leak at a graceful exit exits non-zero, which its test sees.
#
# The build is clang's, -O1 with line tables (enough for the reports' stack
# traces), and also holds the libFuzzer targets that scripts/fuzz.sh runs
# next: one sanitized build for both (cmake/fuzzing.cmake). Clang also gives
# the code a second compiler's warnings. Configured by the CMake preset
# "asan" (CMakePresets.json), with -Werror like every preset (why:
# scripts/build.sh); the preset "asan-gcc" is the same run with GCC.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${ASAN_BUILD_DIR:-build-asan}
if ! command -v clang++ >/dev/null; then
  echo "test_asan.sh: clang++ is missing (Debian: clang libclang-rt-14-dev; see scripts/install_deps.sh)" >&2
  exit 1
fi
cmake --preset "${ASAN_PRESET:-asan}" -B "$build_dir" >/dev/null
cmake --build "$build_dir" -j2
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Sanitized servers start and answer more slowly: the tests' own deadlines
# are generous, and ctest's per-test limit is doubled.
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 "$@"
