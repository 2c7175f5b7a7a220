#!/usr/bin/env python3
"""Checks every #include of the project's own files against scripts/layers.txt.

Usage: scripts/check_layers.py [--root DIR] [--table FILE]

The files checked are the *.h and *.cc files under DIR (the repository root
by default) that git tracks or would track (not ignored), or, when DIR is
not the top of a git work tree, every such file below it outside build*/
and hidden directories. Each file belongs to the first
`layer` of the table whose pattern matches its path; each include it makes
(quoted or angled) is placed the same way: a file of ours by the same
`layer` patterns, a generated or third-party header by the `extern`
patterns; other headers (the standard library, abseil, ...) are free.

An include is allowed when it stays in its layer, when an `allow` line lets
the including layer use the included one, or when an `except` line names
the pair. Anything else is reported as
    FILE:LINE: "INCLUDE" is layer L2; layer L1 may not include it [TABLE:N: allow L1 ...]
and the exit status is 1. The table's syntax is described at its top.
Python 3.11 standard library only; runs in well under a second.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


class TableError(Exception):
    pass


def read_table(path):
    """Returns (layers, externs, allows, excepts).

    layers/externs: lists of (name, pattern, line number), in table order.
    allows: {layer: (set of layers or {'*'}, line number)}.
    excepts: list of (file pattern, include pattern, line number).
    """
    layers, externs, allows, excepts = [], [], {}, []
    with open(path, encoding="utf-8") as table:
        for number, raw in enumerate(table, 1):
            words = raw.split("#", 1)[0].split()
            if not words:
                continue
            kind, args = words[0], words[1:]
            if kind in ("layer", "extern"):
                if len(args) < 2:
                    raise TableError(f"{path}:{number}: '{kind}' needs a name and patterns")
                target = layers if kind == "layer" else externs
                target.extend((args[0], pattern, number) for pattern in args[1:])
            elif kind == "allow":
                if not args:
                    raise TableError(f"{path}:{number}: 'allow' needs a layer")
                if args[0] in allows:
                    raise TableError(
                        f"{path}:{number}: second 'allow {args[0]}' (first on line "
                        f"{allows[args[0]][1]}); give one line per layer")
                allows[args[0]] = (set(args[1:]), number)
            elif kind == "except":
                if len(args) != 2:
                    raise TableError(f"{path}:{number}: 'except' needs FILE-PATTERN INCLUDE-PATTERN")
                excepts.append((args[0], args[1], number))
            else:
                raise TableError(f"{path}:{number}: unknown directive '{kind}'")
    names = {name for name, _, _ in layers} | {name for name, _, _ in externs}
    for layer, (targets, number) in allows.items():
        for name in [layer] + sorted(targets - {"*"}):
            if name not in names:
                raise TableError(f"{path}:{number}: no layer or extern is called '{name}'")
    return layers, externs, allows, excepts


def first_match(entries, path):
    for name, pattern, _ in entries:
        if fnmatch.fnmatchcase(path, pattern):
            return name
    return None


def list_files(root):
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "*.h", "*.cc"],
            check=True, capture_output=True).stdout.decode()
        if subprocess.run(["git", "-C", root, "rev-parse", "--show-prefix"], check=True,
                          capture_output=True).stdout.strip() == b"":
            return sorted({f for f in out.split("\0")
                           if f and os.path.isfile(os.path.join(root, f))})
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories
                             if not d.startswith("build") and not d.startswith(".")]
        for name in names:
            if name.endswith((".h", ".cc")):
                files.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(f.replace(os.sep, "/") for f in files)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here))
    parser.add_argument("--table", default=None, help="default: ROOT/scripts/layers.txt")
    options = parser.parse_args()
    table = options.table or os.path.join(options.root, "scripts", "layers.txt")
    try:
        layers, externs, allows, excepts = read_table(table)
    except (OSError, TableError) as error:
        print(f"check_layers: {error}", file=sys.stderr)
        return 2

    shown = os.path.relpath(table, options.root)
    if not shown.startswith(".."):
        table = shown  # in messages: the path from the repository root
    files = list_files(options.root)
    our_files = set(files)
    problems = []
    includes_checked = 0
    for path in files:
        layer = first_match(layers, path)
        if layer is None:
            problems.append(f"{path}:1: no 'layer' line of {table} matches this file")
            continue
        allowed, allow_line = allows.get(layer, (set(), None))
        with open(os.path.join(options.root, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE_RE.match(line)
                if not match:
                    continue
                included = match.group(2)
                # A bare "name.h" next to the including file is that file.
                sibling = os.path.join(os.path.dirname(path), included).replace(os.sep, "/")
                if match.group(1) == '"' and "/" not in included and sibling in our_files:
                    included = sibling
                target = first_match(layers, included) if "/" in included else None
                if target is None:
                    target = first_match(externs, included)
                if target is None or target == layer:
                    continue
                includes_checked += 1
                if "*" in allowed or target in allowed:
                    continue
                if any(fnmatch.fnmatchcase(path, f) and fnmatch.fnmatchcase(included, i)
                       for f, i, _ in excepts):
                    continue
                if allow_line is None:
                    rule = f"{table}: no 'allow {layer}' line"
                else:
                    rule = (f"{table}:{allow_line}: allow {layer} "
                            f"{' '.join(sorted(allowed)) or '(nothing)'}")
                problems.append(f'{path}:{number}: "{included}" is layer {target}; '
                                f"layer {layer} may not include it [{rule}]")

    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layers: {len(problems)} include(s) break the layering of {table}; "
              "fix the include, or change the table if the architecture changed",
              file=sys.stderr)
        return 1
    print(f"check_layers: {len(files)} files, {includes_checked} includes across layers, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
