#!/usr/bin/env bash
# Builds upstream prometheus-adapter (kubernetes-sigs, the Go original) from the Go module proxy,
# for the side-by-side tests and benchmarks, cached outside the repository keyed by version.
# `go install …@vX` is refused (the proxy gives no version list), so: `go mod download` the exact
# version, copy the module out of the read-only module cache, and `go build ./cmd/adapter` in it.
# Shows progress; idempotent. Prints the binary's path.
set -euo pipefail
VERSION="${UPSTREAM_ADAPTER_VERSION:-v0.12.0}"
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
OUT="$CACHE_ROOT/upstream-adapter-$VERSION"
BIN="$OUT/bin/adapter"
log() { printf '[upstream %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -x "$BIN" ]]; then
  log "cached: $BIN"
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { log "go is required"; exit 1; }
mkdir -p "$OUT/bin"
log "downloading sigs.k8s.io/prometheus-adapter@$VERSION from the Go module proxy"
dir=$(go mod download -json "sigs.k8s.io/prometheus-adapter@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
[[ -n "$dir" && -d "$dir" ]] || { log "module download failed"; exit 1; }
rm -rf "$OUT/src" && cp -r "$dir" "$OUT/src" && chmod -R u+w "$OUT/src"
cd "$OUT/src"
start=$SECONDS
log "building prometheus-adapter $VERSION (about 10 minutes on 2 cores)…"
( while sleep 30; do log "  … still building ($((SECONDS - start))s)"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" ./cmd/adapter
mv "$BIN.tmp" "$BIN"
log "built prometheus-adapter $VERSION in $((SECONDS - start))s"
echo "$BIN"
