#!/usr/bin/env bash
# Runs test binaries again and again, several at once, to catch what fails
# one run in a few: races at shutdown, timing under load. Meant for the
# sanitizer builds, where such a race ends in a report:
#
#   scripts/repeat_tests.sh build-asan 1200 org_client_test org_server_test
#   REPEAT_JOBS=4 REPEAT_MAX_RUNS=50 scripts/repeat_tests.sh build-asan 600 gateway_authz_test
#
# Arguments: the build directory, a time budget in seconds, and the test
# binaries (names under <build>/tests/, found in its subdirectories too).
# The binaries run whole (every test of one binary in one process), round
# robin, $REPEAT_JOBS (default 3: more processes than this machine's two
# cores, so each runs under load) at a time, until the budget is spent or
# each ran $REPEAT_MAX_RUNS times (default 50). Sanitizer options are those
# of scripts/test_asan.sh. Prints the runs and failures of each binary and
# keeps the log of every failed run in <build>/repeat-logs/; exits 1 when
# any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."

if (($# < 3)); then
  echo "usage: scripts/repeat_tests.sh BUILD_DIR SECONDS BINARY..." >&2
  exit 2
fi
build_dir=$1 budget=$2
shift 2
jobs=${REPEAT_JOBS:-3}
max_runs=${REPEAT_MAX_RUNS:-50}
logs=$build_dir/repeat-logs
rm -rf "$logs"
mkdir -p "$logs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

binaries=() paths=()
for name in "$@"; do
  path=$(find "$build_dir/tests" -type f -name "$name" -perm -u+x | head -1)
  if [[ -z $path ]]; then
    echo "repeat_tests: no test binary $name under $build_dir/tests" >&2
    exit 2
  fi
  binaries+=("$name") paths+=("$path")
done

declare -A runs failures
for name in "${binaries[@]}"; do runs[$name]=0 failures[$name]=0; done

# One run: the binary whole, its output kept only when it failed.
run_one() {
  local name=$1 path=$2 n=$3
  local log=$logs/$name.$n.log
  if "$path" --gtest_brief=1 >"$log" 2>&1; then
    rm -f "$log"
    echo "$name ok"
  else
    echo "$name FAILED"
  fi
}

start=$SECONDS
results=$(mktemp)
active=0
i=0
while ((SECONDS - start < budget)); do
  all_done=1
  for k in "${!binaries[@]}"; do
    name=${binaries[$k]}
    ((runs[$name] >= max_runs)) && continue
    all_done=0
    ((SECONDS - start >= budget)) && break
    runs[$name]=$((runs[$name] + 1))
    run_one "$name" "${paths[$k]}" "${runs[$name]}" >>"$results" &
    active=$((active + 1))
    if ((active >= jobs)); then
      wait -n || true
      active=$((active - 1))
    fi
    i=$((i + 1))
  done
  ((all_done)) && break
done
wait || true

printf '%-28s %6s %8s\n' binary runs failed
total_failed=0
for name in "${binaries[@]}"; do
  failed=$(grep -c "^$name FAILED$" "$results" || true)
  completed=$(grep -c "^$name " "$results" || true)
  total_failed=$((total_failed + failed))
  printf '%-28s %6s %8s\n' "$name" "$completed" "$failed"
done
rm -f "$results"
echo "[ figures ] repeat: $((SECONDS - start)) s, $jobs at a time, $total_failed failed run(s)"
if ((total_failed)); then
  echo "logs of the failed runs: $logs" >&2
  grep -l -E "AddressSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|runtime error" \
    "$logs"/*.log 2>/dev/null | head -5 | while read -r log; do
    echo "--- $log" >&2
    grep -m1 -A20 -E "AddressSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|runtime error" \
      "$log" >&2
  done
  exit 1
fi
