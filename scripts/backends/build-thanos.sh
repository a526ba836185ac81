#!/usr/bin/env bash
# Builds Thanos (cmd/thanos) from its Go module through the Go module proxy, for the backends tests
# (Thanos Query over an HA Prometheus pair; Thanos Receive with tenants) and the local cluster's
# node agent (quay.io/thanos/thanos images), cached in
# ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/thanos-<version>/bin/thanos
# (see scripts/lib/go-module-binary.sh). Prints its path.
#
# Built with the tags of Thanos' own release build (.promu.yml: netgo, slicelabels). Without
# `slicelabels` Prometheus' labels.Labels is a packed string, while Thanos' labelpb converts it to
# its gRPC labels with an unsafe cast that assumes a slice: the sidecar then panics on its first
# gRPC Info call (a garbage message Size() in pkg/extgrpc nonPoolingCodec.Marshal: `makeslice: len
# out of range`, or `index out of range [64]` in grpc's buffer pool). A cached binary built
# without the tag is rebuilt.
#
# v0.42.5 declares go 1.26.10 in its go.mod, newer than this machine's Go, so this build (and only
# this build: the adapter needs no newer Go) takes the approved toolchain go1.27.3 from the Go
# module proxy.
set -euo pipefail
# shellcheck source=../lib/go-module-binary.sh
source "$(dirname "$0")/../lib/go-module-binary.sh"
VERSION="${THANOS_VERSION:-v0.42.5}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
OUT="$CACHE_ROOT/thanos-$VERSION"
TAGS=netgo,slicelabels
export GOTOOLCHAIN="${THANOS_GOTOOLCHAIN:-go1.27.3}"
if [[ -x "$OUT/bin/thanos" ]] && command -v go >/dev/null &&
  ! go version -m "$OUT/bin/thanos" | grep -q -- "-tags=$TAGS"; then
  printf '[thanos] %s was built without -tags=%s: rebuilding\n' "$OUT/bin/thanos" "$TAGS" >&2
  rm -f "$OUT/bin/thanos"
fi
go_module_binary thanos github.com/thanos-io/thanos "$VERSION" ./cmd/thanos "$OUT" \
  "-X github.com/prometheus/common/version.Version=${VERSION#v}" "$TAGS"
