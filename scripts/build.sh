#!/usr/bin/env bash
# Configures and builds the suite in build/ (or $BUILD_DIR). Extra arguments
# are CMake targets; without any, everything is built. $CMAKE_ARGS are added
# to the configure command (bench/run uses it).
# The configuration is the CMake preset "default" (CMakePresets.json), which,
# like every preset, turns compiler warnings into errors (GRASSROOTS_WERROR):
# the scripts are what CI runs, and Debian 12's GCC 12 and Clang 14 are the
# only compilers the suite supports, so a warning seen here is one CI would
# fail on; finding it before pushing is cheaper.
# CMAKE_ARGS=-DGRASSROOTS_WERROR=OFF builds in spite of warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake --preset default -B "$build_dir" ${CMAKE_ARGS:-} >/dev/null
if (($#)); then
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$build_dir" -j2 "${targets[@]}"
else
  cmake --build "$build_dir" -j2
fi
