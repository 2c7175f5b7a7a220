#!/usr/bin/env bash
# Installs the Debian 12 packages the suite builds and tests with. Idempotent:
# packages already present are not fetched again, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc
  libprotobuf-dev protobuf-compiler
  libabsl-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libssl-dev openssl libre2-dev
  # the fuzzing stage: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev llvm
  # a faster linker for the many test executables (CMakeLists.txt)
  lld
  # the storage fault suite: a loop-mounted ext4 image made read-only
  e2fsprogs mount
  # the lint stage (scripts/lint.sh): the layering check and clang-format
  python3 clang-format
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install_deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
