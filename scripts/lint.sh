#!/usr/bin/env bash
# The lint stage: quick checks of the sources that need no build, run first
# by scripts/test.sh (and so by CI) so that they fail in seconds.
#
#   layers  every #include of our .h/.cc files against the table of allowed
#           directory and file-layer dependencies, scripts/layers.txt
#           (scripts/check_layers.py; its self-test is tests/lint/)
#   headers every header of ours is among the sources of a CMake target
#           (scripts/check_headers.py)
#   format  clang-format --dry-run -Werror over every tracked .h/.cc file
#           (.clang-format: Google style, 100 columns). Fix with
#             git ls-files '*.h' '*.cc' | xargs clang-format -i
#
# GRASSROOTS_LINT_CHECKS picks some ("layers", "headers", "format"). Every check runs
# even when one fails; the exit status is 1 when any failed. Needs git,
# python3 and clang-format (scripts/install_deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
checks=${GRASSROOTS_LINT_CHECKS:-layers headers format}

# Debian's python3 starts faster than a version manager's shim that may come
# first on PATH.
python=/usr/bin/python3
[[ -x $python ]] || python=python3

failed=()
for check in $checks; do
  start=$SECONDS
  rc=0
  case $check in
    layers)
      "$python" scripts/check_layers.py || rc=$?
      ;;
    headers)
      "$python" scripts/check_headers.py || rc=$?
      ;;
    format)
      if ! command -v clang-format >/dev/null; then
        echo "lint.sh: clang-format is missing (Debian: clang-format; scripts/install_deps.sh)" >&2
        rc=1
      fi
      # Tracked files only: build directories and generated code (*.pb.h,
      # under build*/) are never tracked. Two processes of 40 files; only
      # the diagnostic lines are kept (whole lines, so that the two do not
      # interleave), then counted per file.
      git ls-files -z -- '*.h' '*.cc' |
        xargs -0 -P2 -n40 sh -c 'clang-format --dry-run -Werror "$@" 2>&1 |
          grep --line-buffered ": error: " || true' clang-format |
        awk -F: '{ n[$1]++; total++ } END {
          if (!total) exit 0
          for (f in n) print "  " f ": " n[f] " place(s)" | "sort | head -30"
          close("sort | head -30")
          if (length(n) > 30) print "  ... and " length(n) - 30 " more file(s)"
          print "lint: " total " place(s) in " length(n) " file(s) not clang-formatted" \
            " (.clang-format); see one with clang-format --dry-run FILE, fix them with" \
            " git ls-files \"*.h\" \"*.cc\" | xargs clang-format -i"
          exit 1 }' || rc=1
      ;;
    *) echo "lint.sh: unknown check '$check' (layers, headers, format)" >&2; exit 2 ;;
  esac
  echo "lint: $check $( ((rc == 0)) && echo ok || echo FAILED) in $((SECONDS - start)) s"
  ((rc == 0)) || failed+=("$check")
done
if ((${#failed[@]})); then
  echo "lint.sh: failed: ${failed[*]}" >&2
  exit 1
fi
