#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test stage. This is what
# CI runs (.ci/run).
#
# Stages, in order (GRASSROOTS_TEST_STAGES picks some, e.g. "tests"):
#   lint   seconds, before any build (scripts/lint.sh): the include layering
#          of scripts/layers.txt and clang-format
#   tests  the whole suite, built as shipped (build/), with ctest; the long
#          reliability suites run their bounded CI versions
#   asan   the whole suite again under AddressSanitizer + UBSan (build-asan/)
#   tsan   the concurrency tests under ThreadSanitizer (build-tsan/)
#   fuzz   every libFuzzer target for a bounded time (build-fuzz/)
# A failing stage stops the run with its exit code; the time of each stage is
# printed at the end either way.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${GRASSROOTS_TEST_STAGES:-lint tests asan tsan fuzz}

summary=()
print_summary() {
  echo
  echo "==== test stages"
  printf '  %-8s %-7s %s\n' stage result seconds
  for line in "${summary[@]}"; do printf '  %-8s %-7s %s\n' $line; done
}
trap print_summary EXIT

run_stage() {
  local name=$1
  shift
  local start=$SECONDS
  echo "==== stage: $name"
  local rc=0
  "$@" || rc=$?
  if ((rc == 0)); then
    summary+=("$name ok $((SECONDS - start))")
  else
    summary+=("$name FAILED $((SECONDS - start))")
    exit "$rc"
  fi
}

run_stage install bash scripts/install_deps.sh
for stage in $stages; do
  case $stage in
    lint) run_stage lint bash scripts/lint.sh ;;
    tests)
      run_stage build bash scripts/build.sh
      # Tests start their own servers on ephemeral loopback ports with
      # temporary data directories, so they can run in parallel.
      run_stage tests ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 300
      ;;
    asan) run_stage asan bash scripts/test_asan.sh ;;
    tsan) run_stage tsan bash scripts/test_tsan.sh ;;
    fuzz) run_stage fuzz bash scripts/fuzz.sh ;;
    *) echo "test.sh: unknown stage '$stage' (lint, tests, asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
