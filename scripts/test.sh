#!/usr/bin/env bash
# `npm test`: installs what it needs, then format check, lint, type-check/build, and every test
# (unit, integration with a real Prometheus, end to end on the real local cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)" >&2; }

step "dependencies"
bash scripts/ensure-deps.sh
step "format (prettier --check)"
npx prettier --check . >/dev/null
step "lint (eslint)"
npx eslint .
step "type-check and build (tsc)"
rm -rf dist && npx tsc -p tsconfig.json
if [[ "${SKIP_E2E:-}" != "1" ]]; then
  step "kubernetes binaries for the end-to-end test (cached after the first build)"
  bash scripts/cluster/build-binaries.sh >/dev/null
fi
step "tests (node --test)"
node --test dist/
