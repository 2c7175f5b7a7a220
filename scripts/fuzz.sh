#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, GRASSROOTS_FUZZ) with clang in
# build-asan/ (or $FUZZ_BUILD_DIR), the sanitized build that
# scripts/test_asan.sh has made already in CI, and runs each for
# $FUZZ_SECONDS seconds (default: 210 s shared among the targets), starting from a scratch copy of its
# seed corpus in fuzz/corpus/<target>/ (the repository's corpus is never
# modified). FUZZ_PRESET=fuzz FUZZ_BUILD_DIR=build-fuzz builds the fuzz
# targets alone instead, without the tests.
#
# Prints a table of executions, executions per second, coverage and crashes
# per target. Exits non-zero when any target crashed, hit a sanitizer report
# (ASan, UBSan, a leak), timed out, ran out of memory or failed to start;
# the input that did it is in build-asan/artifacts/<target>/ and the log in
# build-asan/fuzz-logs/<target>.log. Reproduce with
#   build-asan/fuzz/<target> build-asan/artifacts/<target>/crash-...
#
# Installs nothing: scripts/install_deps.sh brings clang and
# libclang-rt-14-dev. FUZZ_TARGETS="fuzz_csv fuzz_id_card" runs only those.
# Configured by the CMake preset "asan" (CMakePresets.json), with -Werror
# like every preset (why: scripts/build.sh). The preset also picks
# clang (CC=clang CXX=clang++).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FUZZ_BUILD_DIR:-build-asan}

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing (Debian: clang libclang-rt-14-dev; see scripts/install_deps.sh)" >&2
  exit 1
fi

cmake --preset "${FUZZ_PRESET:-asan}" -B "$build_dir" >/dev/null
build_start=$SECONDS
cmake --build "$build_dir" -j2 --target fuzz_targets
echo "[ figures ] fuzz build: $((SECONDS - build_start)) s"

# Every target has a seed corpus; its directory names the target.
targets=${FUZZ_TARGETS:-$(cd fuzz/corpus && ls -d fuzz_* | tr '\n' ' ')}
# Each target's time: $FUZZ_SECONDS, or an equal share of
# $FUZZ_TOTAL_SECONDS (default 210) so that a new target does not lengthen
# the stage.
target_count=$(wc -w <<<"$targets")
seconds=${FUZZ_SECONDS:-$((${FUZZ_TOTAL_SECONDS:-210} / target_count))}

# The service targets run the real servers in process: their state and
# gRPC's caches make libFuzzer's per-input leak check (a heap scan whenever
# an input allocates more than it frees) both slow and noisy. For them leaks
# are checked once, when the process exits, and still fail the run.
leak_flags() {
  case $1 in
    fuzz_org_requests | fuzz_roster_requests | fuzz_casework_requests | fuzz_activity_requests | \
      fuzz_field_mask)
      echo "-detect_leaks=0"
      ;;
    *) echo "-detect_leaks=1" ;;
  esac
}

# Databases of the service targets go to memory when it can.
scratch_parent=${TMPDIR:-/tmp}
if [[ -d /dev/shm && -w /dev/shm ]]; then scratch_parent=/dev/shm; fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$build_dir/fuzz-logs"
rows=()
failed=()
for target in $targets; do
  binary=$build_dir/fuzz/$target
  log=$build_dir/fuzz-logs/$target.log
  artifacts=$build_dir/artifacts/$target
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  scratch=$(mktemp -d "$scratch_parent/grassroots-fuzz-$target.XXXXXX")
  mkdir -p "$scratch/corpus" "$scratch/data"
  cp -r "fuzz/corpus/$target/." "$scratch/corpus/"
  echo "==== $target: ${seconds}s from $(ls "$scratch/corpus" | wc -l) seed inputs"
  rc=0
  # The outer timeout only guards against a hang outside libFuzzer's own
  # watch (start-up, exit).
  GRASSROOTS_FUZZ_TMPDIR=$scratch/data timeout --kill-after=10 $((seconds + 120)) \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 $(leak_flags "$target") -artifact_prefix="$artifacts/" \
    "$scratch/corpus" >"$log" 2>&1 || rc=$?
  rm -rf "$scratch"

  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  coverage=$(grep -oE '^#[0-9]+[[:space:]]+DONE[[:space:]]+cov: [0-9]+' "$log" | tail -1 |
    grep -oE '[0-9]+$' || true)
  crashes=$(find "$artifacts" -type f | wc -l)
  problem=""
  if ! grep -q 'INITED' "$log"; then
    problem="failed to start"
  elif ((rc != 0)) || ((crashes > 0)); then
    problem="crashed (exit $rc)"
    grep -q 'ERROR: LeakSanitizer' "$log" && problem="leaked (exit $rc)"
    grep -qE '^==[0-9]+== ERROR: libFuzzer: timeout' "$log" && problem="timed out"
    grep -q 'ERROR: libFuzzer: out-of-memory' "$log" && problem="out of memory"
    ((crashes > 0)) || crashes=1  # e.g. a leak found at exit leaves no artifact
  fi
  rows+=("$target ${executions:-0} ${per_second:-0} ${coverage:--} $crashes ${problem:+FAILED}")
  if [[ -n $problem ]]; then
    failed+=("$target")
    echo "---- $target $problem; the last lines of $log:"
    tail -n 60 "$log"
    for artifact in "$artifacts"/*; do
      [[ -e $artifact ]] && echo "---- $target: input saved as $artifact"
    done
  fi
done

echo
echo "[ figures ] fuzzing, ${seconds}s per target:"
printf '[ figures ]   %-22s %12s %8s %8s %8s\n' target executions exec/s coverage crashes
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086
  set -- $row
  printf '[ figures ]   %-22s %12s %8s %8s %8s %s\n' "$1" "$2" "$3" "$4" "$5" "${6:-}"
done
if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failed: ${failed[*]} (inputs in $build_dir/artifacts/, logs in $build_dir/fuzz-logs/)" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds}s without a crash"
