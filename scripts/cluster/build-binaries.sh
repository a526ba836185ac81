#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kubectl, kube-proxy and etcd from Go modules (Go module proxy),
# and Prometheus with Kubernetes service discovery (Debian's package is built without it), cached
# outside the repository, keyed by version. Shows progress; idempotent. Prints the bin directory.
set -euo pipefail
KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
# Go module version of Prometheus v3.10.0 (its releases are published as v0.3xx.y modules).
PROM_MODULE_VERSION="${PROM_MODULE_VERSION:-v0.310.0}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
OUT="$CACHE_ROOT/kube-$KUBE_VERSION"
BIN="$OUT/bin"
log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" && -x "$BIN/kubectl" && -x "$BIN/kube-proxy" && -x "$BIN/etcd" && -x "$BIN/prometheus" ]]; then
  log "cached: $BIN"
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { log "go is required"; exit 1; }
mkdir -p "$BIN" "$OUT/src"
cd "$OUT/src"
staging="${KUBE_VERSION/v1./v0.}"

if [[ ! -f go.mod ]]; then
  log "resolving k8s.io/kubernetes@$KUBE_VERSION from the Go module proxy"
  go mod init k8s-pa-kube-build >/dev/null 2>&1
  modfile=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
  # Every k8s.io/* module the kubernetes go.mod pins at v0.0.0 is a staging module: map it to the release.
  grep -oE 'k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$modfile" | awk '{print $1}' | sort -u | while read -r m; do
    go mod edit -replace "$m=$m@$staging"
  done
  go_line=$(grep -E '^go [0-9]' "$modfile" | awk '{print $2}')
  go mod edit -go="$go_line"
  go mod edit -require "k8s.io/kubernetes@$KUBE_VERSION"
fi
if ! grep -q cmd/kube-proxy tools.go 2>/dev/null; then
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
  log "downloading module graph (this is large)"
  go mod tidy -e 2>&1 | tail -3 >&2 || true
fi

build() {
  local name=$1 pkg=$2 start=$SECONDS
  log "building $name (several minutes on 2 cores)…"
  ( while sleep 30; do log "  … $name still building ($((SECONDS - start))s)"; done ) &
  local ticker=$!
  if CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)" -o "$BIN/$name.tmp" "$pkg"; then
    kill "$ticker" 2>/dev/null; mv "$BIN/$name.tmp" "$BIN/$name"; log "built $name in $((SECONDS - start))s"
  else
    kill "$ticker" 2>/dev/null; log "FAILED to build $name"; return 1
  fi
}
[[ -x "$BIN/kube-apiserver" ]] || build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
[[ -x "$BIN/kube-controller-manager" ]] || build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
# kubectl of the same release: distributions do not all package it, and skew stays zero.
[[ -x "$BIN/kubectl" ]] || build kubectl k8s.io/kubernetes/cmd/kubectl
# kube-proxy makes ClusterIPs reachable on the local cluster, as on a real node.
[[ -x "$BIN/kube-proxy" ]] || build kube-proxy k8s.io/kubernetes/cmd/kube-proxy

if [[ ! -x "$BIN/etcd" ]]; then
  etcd_ver=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/client/v3)
  mkdir -p "$OUT/etcd" && cd "$OUT/etcd"
  [[ -f go.mod ]] || { go mod init k8s-pa-etcd-build >/dev/null 2>&1; go mod edit -require "go.etcd.io/etcd/server/v3@$etcd_ver"; go mod tidy -e >/dev/null 2>&1 || true; go get "go.etcd.io/etcd/server/v3@$etcd_ver" >&2; }
  start=$SECONDS; log "building etcd $etcd_ver"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3 && mv "$BIN/etcd.tmp" "$BIN/etcd"
  log "built etcd in $((SECONDS - start))s"
fi

if [[ ! -x "$BIN/prometheus" ]]; then
  mkdir -p "$OUT/prometheus" && cd "$OUT/prometheus"
  [[ -f go.mod ]] || go mod init k8s-pa-prometheus-build >/dev/null 2>&1
  # Prometheus's own go.mod pins cloud.google.com/go with a replace; replaces are not inherited.
  go mod edit -require="github.com/prometheus/prometheus@$PROM_MODULE_VERSION" \
    -replace cloud.google.com/go=cloud.google.com/go@v0.123.0 -go=1.25.0
  minor=$(echo "$PROM_MODULE_VERSION" | cut -d. -f2)
  prom_version="3.$((10#$minor - 300)).$(echo "$PROM_MODULE_VERSION" | cut -d. -f3)"
  start=$SECONDS; log "building prometheus $prom_version (Kubernetes service discovery only)"
  ( while sleep 30; do log "  … prometheus still building ($((SECONDS - start))s)"; done ) &
  ticker=$!
  if CGO_ENABLED=0 go build -mod=mod -trimpath -tags remove_all_sd,enable_kubernetes_sd \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$prom_version" \
    -o "$BIN/prometheus.tmp" github.com/prometheus/prometheus/cmd/prometheus; then
    kill "$ticker" 2>/dev/null; mv "$BIN/prometheus.tmp" "$BIN/prometheus"; log "built prometheus in $((SECONDS - start))s"
  else
    kill "$ticker" 2>/dev/null; log "FAILED to build prometheus"; exit 1
  fi
fi
echo "$BIN"
