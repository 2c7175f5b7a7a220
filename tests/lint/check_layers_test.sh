#!/usr/bin/env bash
# Self-test of scripts/check_layers.py on a small fake tree (not a git work
# tree, so the checker walks it): a clean tree passes; an include of a higher
# layer, of a forbidden extern header, and a file no layer places each fail
# with the file, the line and the rule named; an `except` line lets one pair
# through. Usage: check_layers_test.sh [path/to/check_layers.py]
set -euo pipefail
checker=${1:-$(dirname "$0")/../../scripts/check_layers.py}
# Debian's own python3 (what scripts/install_deps.sh installs) starts faster
# than a version manager's shim that may come first on PATH.
python=/usr/bin/python3
[[ -x $python ]] || python=python3
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/svc" "$tree/build/svc"

cat >"$tree/layers.txt" <<'TABLE'
extern grpc   grpcpp/*
layer  domain svc/unit.*
layer  core   svc/core.*
layer  top    svc/*
allow  domain
allow  core   domain
allow  top    core domain grpc
TABLE
printf '#include <string>\n#include "absl/strings/str_cat.h"\n' >"$tree/svc/unit.h"
printf '#include "svc/unit.h"\n' >"$tree/svc/unit.cc"
printf '#include "svc/unit.h"\n\n#include "svc/main.h"\n' >"$tree/svc/core.h"   # line 3: up a layer
printf '#include <grpcpp/grpcpp.h>\n#include "svc/core.h"\n' >"$tree/svc/main.h"
printf '#include "svc/core.h"\n' >"$tree/build/svc/generated.h"  # build dirs are skipped

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect STATUS PATTERN...: runs the checker; its exit status must be STATUS
# and its output must match each (extended) regular expression.
expect() {
  local want=$1 rc=0 out
  shift
  out=$("$python" "$checker" --root "$tree" --table "$tree/layers.txt" 2>&1) || rc=$?
  ((rc == want)) || fail "exit $rc, expected $want; output:"$'\n'"$out"
  for pattern in "$@"; do
    grep -Eq -- "$pattern" <<<"$out" || fail "no line matching /$pattern/ in:"$'\n'"$out"
  done
}

# An include of a higher layer: file, line, the included layer and the rule.
expect 1 '^svc/core\.h:3: "svc/main\.h" is layer top; layer core may not include it \[.*layers\.txt:6: allow core domain\]'

# Allowed by an except line.
echo 'except svc/core.h svc/main.h' >>"$tree/layers.txt"
expect 0 'all allowed'

# A forbidden extern header (angle brackets count too), in a layer with no
# extern allowed.
printf '#include <grpcpp/grpcpp.h>\n' >>"$tree/svc/unit.h"
expect 1 '^svc/unit\.h:3: "grpcpp/grpcpp\.h" is layer grpc; layer domain may not include it \[.*layers\.txt:5: allow domain \(nothing\)\]'
printf '#include <string>\n' >"$tree/svc/unit.h"

# A file no layer places.
mkdir -p "$tree/other"
printf '// nothing\n' >"$tree/other/lost.cc"
expect 1 "^other/lost\.cc:1: no 'layer' line"
rm -r "$tree/other"

# A mistyped layer name in the table is refused.
echo 'allow ghost domain' >>"$tree/layers.txt"
expect 2 "no layer or extern is called 'ghost'"

if ((failures)); then
  echo "check_layers_test: $failures failure(s)" >&2
  exit 1
fi
echo "check_layers_test: ok"
