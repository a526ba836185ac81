#!/usr/bin/env bash
# Builds Thanos (cmd/thanos) from its Go module through the Go module proxy, for the backends tests
# (Thanos Query over an HA Prometheus pair; Thanos Receive with tenants), cached in
# ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/thanos-<version>/bin/thanos
# (see scripts/lib/go-module-binary.sh). Prints its path.
#
# v0.42.5 declares go 1.26.10 in its go.mod, newer than this machine's Go, so this build (and only
# this build: the adapter needs no newer Go) takes the approved toolchain go1.27.3 from the Go
# module proxy. v0.42.0 and v0.41.0 build with go1.26.8, but their sidecar panics on its first
# gRPC call (makeslice: len out of range in pkg/extgrpc nonPoolingCodec.Marshal).
set -euo pipefail
# shellcheck source=../lib/go-module-binary.sh
source "$(dirname "$0")/../lib/go-module-binary.sh"
VERSION="${THANOS_VERSION:-v0.42.5}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
export GOTOOLCHAIN="${THANOS_GOTOOLCHAIN:-go1.27.3}"
go_module_binary thanos github.com/thanos-io/thanos "$VERSION" ./cmd/thanos \
  "$CACHE_ROOT/thanos-$VERSION"
