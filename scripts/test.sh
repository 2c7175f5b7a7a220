#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# with ctest. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
# Tests start their own servers on ephemeral loopback ports with temporary
# data directories, so they can run in parallel.
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 300
