#!/usr/bin/env bash
# `npm test`: installs what it needs, then format check, lint, type-check/build, and every test
# (unit, integration with a real Prometheus, end to end on the real local cluster).
# `--e2e-only` (npm run test:e2e) skips the checks and runs the end-to-end suites alone.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)" >&2; }
only_e2e=0
[[ "${1:-}" == "--e2e-only" ]] && only_e2e=1

step "dependencies"
bash scripts/ensure-deps.sh
if (( ! only_e2e )); then
  step "format (prettier --check)"
  npx prettier --check . >/dev/null
  step "lint (eslint, with the folder boundary rules)"
  npx eslint .
fi
step "type-check and build: the adapter (dist/) and everything else (build/)"
rm -rf dist build && npx tsc -p tsconfig.build.json && npx tsc -p tsconfig.json
if [[ "${SKIP_E2E:-}" != "1" ]]; then
  step "kubernetes binaries for the end-to-end test (cached after the first build)"
  bash scripts/cluster/build-binaries.sh >/dev/null
  step "upstream prometheus-adapter for the differential test (cached after the first build)"
  bash scripts/upstream/build-upstream.sh >/dev/null
  step "helm for the chart tests (cached after the first build)"
  bash scripts/helm/build-helm.sh >/dev/null
  step "the OCI image, built from scratch with buildah (npm run image)"
  bash scripts/image/build.sh >/dev/null
fi
# The backends suite (test/backends and the Thanos HA e2e, npm run test:backends) needs engine
# binaries built from Go modules (VictoriaMetrics, Thanos; several minutes cold); npm test never
# builds them: its tests run when the binaries are already cached and are skipped, saying so,
# otherwise.
step "tests (node --test)"
if (( only_e2e )); then
  bash scripts/run-tests.sh build/test/e2e build/test/differential build/test/chart build/test/image
else
  bash scripts/run-tests.sh build
fi
