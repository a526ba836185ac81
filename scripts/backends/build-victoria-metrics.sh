#!/usr/bin/env bash
# Builds the single-node VictoriaMetrics server (./app/victoria-metrics) from its Go module through
# the Go module proxy, for the backends tests (npm run test:backends), cached in
# ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/victoria-metrics-<version>/bin/victoria-metrics
# (see scripts/lib/go-module-binary.sh). v1.151.0 is the newest release that builds with go1.26.
# Prints its path.
set -euo pipefail
# shellcheck source=../lib/go-module-binary.sh
source "$(dirname "$0")/../lib/go-module-binary.sh"
VERSION="${VICTORIA_METRICS_VERSION:-v1.151.0}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
go_module_binary victoria-metrics github.com/VictoriaMetrics/VictoriaMetrics "$VERSION" \
  ./app/victoria-metrics "$CACHE_ROOT/victoria-metrics-$VERSION" \
  "-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-metrics-$VERSION"
