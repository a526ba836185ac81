#!/usr/bin/env bash
# Runs node's test runner on the compiled *.test.js files below the given folders of build/.
# (Node 20 takes no globs, and given a folder it would also run every file below a test/ folder.)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find "${@:-build}" -name '*.test.js' | sort)
(( ${#files[@]} )) || { echo "no test files below: ${*:-build}" >&2; exit 1; }
exec node --test "${files[@]}"
