#!/usr/bin/env python3
"""Fails when a header of ours is owned by no CMake target.

Every .h the project tracks must be named in the sources of some target
(add_library, add_executable, target_sources, or a function of ours that
takes SOURCES) in a CMakeLists.txt or a .cmake file, so that the build knows
it, IDEs show it with its target, and a header nobody builds cannot linger.
A name is taken relative to the folder of the file that names it, or to the
project root behind ${PROJECT_SOURCE_DIR}/ or ${CMAKE_SOURCE_DIR}/.

  scripts/check_headers.py [ROOT]    exit 0: every header owned; 1: not
"""
import os
import re
import subprocess
import sys

TOKEN = re.compile(r'[\w${}./+-]+\.h\b')
ROOT_VARS = ('${PROJECT_SOURCE_DIR}/', '${CMAKE_SOURCE_DIR}/', '${GRASSROOTS_ROOT}/')


def tracked_files(root):
    out = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard'],
        cwd=root, check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), '..'))
    files = tracked_files(root)
    cmake_files = [f for f in files
                   if os.path.basename(f) == 'CMakeLists.txt' or f.endswith('.cmake')]
    owned = set()
    for cmake in cmake_files:
        folder = os.path.dirname(cmake)
        with open(os.path.join(root, cmake), encoding='utf-8') as f:
            for line in f:
                line = line.split('#', 1)[0]
                for token in TOKEN.findall(line):
                    for var in ROOT_VARS:
                        if token.startswith(var):
                            token = token[len(var):]
                            break
                    else:
                        if token.startswith('${CMAKE_CURRENT_SOURCE_DIR}/'):
                            token = token[len('${CMAKE_CURRENT_SOURCE_DIR}/'):]
                        token = os.path.join(folder, token)
                    owned.add(os.path.normpath(token))
    headers = [f for f in files if f.endswith('.h') and os.path.exists(os.path.join(root, f))]
    orphans = sorted(h for h in headers if os.path.normpath(h) not in owned)
    for header in orphans:
        print(f'{header}: no CMake target lists this header among its sources')
    if orphans:
        print(f'check_headers: {len(orphans)} of {len(headers)} headers belong to no target',
              file=sys.stderr)
        return 1
    print(f'check_headers: all {len(headers)} headers belong to a target')
    return 0


if __name__ == '__main__':
    sys.exit(main())
