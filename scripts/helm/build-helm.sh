#!/usr/bin/env bash
# Builds the `helm` CLI from its Go module (helm.sh/helm/v4) through the Go module proxy, for the
# chart tests (test/chart) and for rendering deploy/chart/. Cached outside the repository, keyed by
# version: ${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}/helm-<version>/bin/helm.
# `go install …@vX` is not used (the proxy gives no version list), so: `go mod download` the exact
# version, copy the module out of the read-only module cache, and `go build ./cmd/helm` in it.
# Shows progress (a ticker every 30 s); idempotent. Prints the binary's path on stdout.
set -euo pipefail
VERSION="${HELM_VERSION:-v4.3.2}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
OUT="$CACHE_ROOT/helm-$VERSION"
BIN="$OUT/bin/helm"
log() { printf '[helm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -x "$BIN" ]]; then
  log "cached: $BIN"
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { log "go is required"; exit 1; }
mkdir -p "$OUT/bin"
log "downloading helm.sh/helm/v4@$VERSION from the Go module proxy"
dir=$(go mod download -json "helm.sh/helm/v4@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
[[ -n "$dir" && -d "$dir" ]] || { log "module download failed"; exit 1; }
rm -rf "$OUT/src" && cp -r "$dir" "$OUT/src" && chmod -R u+w "$OUT/src"
cd "$OUT/src"
start=$SECONDS
log "building helm $VERSION (dependencies are downloaded first; a few minutes on 2 cores)…"
( while sleep 30; do log "  … still building ($((SECONDS - start))s)"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
# The version stamp `helm version` prints (the module build has no git metadata).
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$VERSION" \
  -o "$BIN.tmp" ./cmd/helm
mv "$BIN.tmp" "$BIN"
log "built helm $VERSION in $((SECONDS - start))s"
echo "$BIN"
