#!/usr/bin/env bash
# Builds the `helm` CLI from its Go module (helm.sh/helm/v4) through the Go module proxy, for the
# chart tests (test/chart) and for rendering deploy/chart/, cached in
# ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/helm-<version>/bin/helm (see
# scripts/lib/go-module-binary.sh). Prints its path.
set -euo pipefail
# shellcheck source=../lib/go-module-binary.sh
source "$(dirname "$0")/../lib/go-module-binary.sh"
VERSION="${HELM_VERSION:-v4.3.2}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
# The version stamp `helm version` prints (the module build has no git metadata).
go_module_binary helm helm.sh/helm/v4 "$VERSION" ./cmd/helm "$CACHE_ROOT/helm-$VERSION" \
  "-X helm.sh/helm/v4/internal/version.version=$VERSION"
