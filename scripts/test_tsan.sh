#!/usr/bin/env bash
# The ThreadSanitizer stage: builds the test binaries labelled `concurrency`
# (and the server binaries they start) with -DGRASSROOTS_TSAN=ON in
# build-tsan/ (or $TSAN_BUILD_DIR), then runs them with the self-check of the
# absl annotations (tests/tsan/). Any TSan report fails the stage.
#
# Every binary of that build stops at its first report (halt_on_error) and
# writes it to $TSAN_BUILD_DIR/tsan-reports/ (log_path): the servers that the
# integration tests start keep their output in temporary logs that are gone
# once the test ends, so the reports are collected there and printed at the
# end instead. The self-check tests set their own TSAN_OPTIONS, as they read
# TSan's output.
# Configured by the CMake preset "tsan" (CMakePresets.json), with -Werror
# like every preset (why: scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build_dir=${TSAN_BUILD_DIR:-build-tsan}
reports=$root/$build_dir/tsan-reports

bash scripts/install_deps.sh

build_start=$SECONDS
cmake --preset tsan -B "$build_dir" >/dev/null
# Only what the stage runs: the `concurrency_tests` target depends on each
# labelled test binary, the servers they start and the self-check.
cmake --build "$build_dir" -j2 --target concurrency_tests
build_seconds=$((SECONDS - build_start))

rm -rf "$reports"
mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:exitcode=66\
:suppressions=$root/tests/tsan/tsan_suppressions.txt:log_path=$reports/tsan"

test_start=$SECONDS
status=0
ctest --test-dir "$build_dir" -L concurrency --output-on-failure -j2 --timeout 600 || status=$?
test_seconds=$((SECONDS - test_start))

shopt -s nullglob
report_files=("$reports"/tsan.*)
if ((${#report_files[@]})); then
  echo "ThreadSanitizer reported ${#report_files[@]} time(s); the reports:" >&2
  for report in "${report_files[@]}"; do
    echo "--- $report" >&2
    cat "$report" >&2
  done
  status=1
fi

echo "[ figures ] tsan stage: build ${build_seconds} s, tests ${test_seconds} s," \
  "${#report_files[@]} report file(s)"
exit "$status"
