#!/usr/bin/env bash
# Configures and builds the suite in build/ (or $BUILD_DIR). Extra arguments
# are CMake targets; without any, everything is built.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
if (($#)); then
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$build_dir" -j2 "${targets[@]}"
else
  cmake --build "$build_dir" -j2
fi
