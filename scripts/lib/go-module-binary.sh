# Builds one command of a Go module fetched from the Go module proxy, cached outside the repository
# keyed by version (sourced, not run). `go install …@vX` is refused (the proxy gives no version
# list), so: `go mod download` the exact version, copy the module out of the read-only module cache,
# make it writable and `go build` the command inside it. Shows progress (a ticker every 30 s);
# idempotent. Prints the binary's path on stdout.
#   go_module_binary NAME MODULE VERSION PACKAGE OUT_DIR [EXTRA_LDFLAGS] [BUILD_TAGS]
go_module_binary() {
  local name=$1 module=$2 version=$3 package=$4 out=$5 ldflags=${6:-} tags=${7:-}
  local bin="$out/bin/$name"
  log() { printf '[%s %s] %s\n' "$name" "$(date +%H:%M:%S)" "$*" >&2; }
  if [[ -x "$bin" ]]; then
    log "cached: $bin"
    echo "$bin"
    return 0
  fi
  command -v go >/dev/null || { log "go is required"; return 1; }
  mkdir -p "$out/bin"
  log "downloading $module@$version from the Go module proxy"
  local dir
  dir=$(go mod download -json "$module@$version" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || { log "module download failed"; return 1; }
  rm -rf "$out/src" && cp -r "$dir" "$out/src" && chmod -R u+w "$out/src"
  local start=$SECONDS
  log "building $name $version (several minutes on 2 cores)…"
  ( while sleep 30; do log "  … still building ($((SECONDS - start))s)"; done ) &
  local ticker=$!
  if (cd "$out/src" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$bin.tmp" "$package"); then
    kill "$ticker" 2>/dev/null || true
    mv "$bin.tmp" "$bin"
    log "built $name $version in $((SECONDS - start))s"
    echo "$bin"
  else
    kill "$ticker" 2>/dev/null || true
    log "FAILED to build $name $version"
    return 1
  fi
}
