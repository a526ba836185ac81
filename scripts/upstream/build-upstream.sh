#!/usr/bin/env bash
# Builds upstream prometheus-adapter (kubernetes-sigs, the Go original) from the Go module proxy,
# for the differential test, cached in ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/
# upstream-adapter-<version>/bin/adapter (see scripts/lib/go-module-binary.sh). Prints its path.
set -euo pipefail
# shellcheck source=../lib/go-module-binary.sh
source "$(dirname "$0")/../lib/go-module-binary.sh"
VERSION="${UPSTREAM_ADAPTER_VERSION:-v0.12.0}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
go_module_binary adapter sigs.k8s.io/prometheus-adapter "$VERSION" ./cmd/adapter \
  "$CACHE_ROOT/upstream-adapter-$VERSION"
