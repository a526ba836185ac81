#!/usr/bin/env bash
# `npm run image`: builds the adapter's OCI image on this machine, without a container daemon and
# without pulling a base image (docs/image.md).
#
# The root filesystem is assembled from scratch: this machine's `node` binary as /usr/local/bin/node
# and exactly the shared libraries `ldd` says it loads, /etc/passwd and /etc/group with the non-root
# user `adapter` (1001:1001), CA certificates, a world-writable /tmp, and /app = package.json, the
# product build (dist/) and the production dependencies only (`npm ci --omit=dev`). No package
# manager, no shell. buildah (`from scratch`, `copy`, `config`, `commit`) writes it as an OCI
# archive:
#   ${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/image/k8s-prometheus-adapter-<version>.oci.tar
# (K8S_PA_IMAGE_ARCHIVE overrides the path). The Containerfile builds the same layout from a public
# Node 20 base for CI systems that have one; keep the two in step (see docs/image.md).
#
# Needs root (buildah stores its working container under /var/lib/containers). Installs buildah,
# podman, crun, runc, umoci and skopeo from Debian when missing (podman and runc are for the image
# test, test/image/image.test.ts; skopeo and umoci for handling the archive by hand).
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { printf '[image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
started=$SECONDS

# --- tools -----------------------------------------------------------------------------------------
missing=()
for tool in buildah podman crun runc umoci skopeo; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -f /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
if (( ${#missing[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then log "need root to install: ${missing[*]}"; exit 1; fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ $(id -u) -ne 0 ]]; then log "buildah needs root here (no rootless setup)"; exit 1; fi

VERSION=$(node -p 'require("./package.json").version')
NAME=k8s-prometheus-adapter
OUT_DIR="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}/image"
ARCHIVE="${K8S_PA_IMAGE_ARCHIVE:-$OUT_DIR/$NAME-$VERSION.oci.tar}"
mkdir -p "$OUT_DIR" "$(dirname "$ARCHIVE")"
STAGE=$(mktemp -d "$OUT_DIR/stage.XXXXXX")
ctr=""
cleanup() {
  [[ -n "$ctr" ]] && buildah rm "$ctr" >/dev/null 2>&1
  rm -rf "$STAGE"
}
trap cleanup EXIT
ROOT="$STAGE/rootfs"
APP="$ROOT/app"
mkdir -p "$APP"

# --- the adapter: dist/ and the production dependencies --------------------------------------------
[[ -d node_modules ]] || { log "npm ci (the build needs the dev dependencies)"; npm ci --no-audit --no-fund; }
# `npm run build` (tsc -p tsconfig.build.json) with the image's /app/dist as its output folder: a
# fresh product build, so a stale file left in the working tree's dist/ can never ship (and dist/,
# which others may be using, is left alone).
log "npm run build -- --outDir <image>/app/dist"
npm run --silent build -- --outDir "$APP/dist"
find "$APP/dist" -name '*.test.js' -o -name '*.test.js.map' | grep . && { log "test files in dist"; exit 1; }
cp package.json package-lock.json "$APP/"
log "npm ci --omit=dev (production dependencies only)"
(cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
rm -f "$APP/package-lock.json" "$APP/node_modules/.package-lock.json"
for dev in typescript eslint prettier tsx @types; do
  [[ ! -e "$APP/node_modules/$dev" ]] || { log "dev dependency $dev in the image"; exit 1; }
done

# --- the runtime: node and exactly the libraries it loads ------------------------------------------
NODE_BIN=$(readlink -f "$(command -v node)")
log "node $("$NODE_BIN" --version) from $NODE_BIN"
install -D -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
# Every `ldd` line with a path (`libx.so => /lib/…/libx.so (…)` or `/lib64/ld-linux….so.2 (…)`):
# the file is copied (symlinks resolved) under the path the loader looks it up by.
mapfile -t libs < <(ldd "$NODE_BIN" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' | sort -u)
(( ${#libs[@]} )) || { log "ldd found no libraries for $NODE_BIN (static?)"; }
for lib in "${libs[@]}"; do
  install -D -m 0755 "$(readlink -f "$lib")" "$ROOT$lib"
done
log "libraries: ${libs[*]}"

# --- users, name service, CA certificates, /tmp ----------------------------------------------------
mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
cat >"$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
adapter:x:1001:1001:k8s-prometheus-adapter:/tmp:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$ROOT/etc/group" <<'EOF'
root:x:0:
adapter:x:1001:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$ROOT/etc/nsswitch.conf"
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
chmod -R go-w,a+rX "$ROOT/app" "$ROOT/etc" "$ROOT/usr"

# Smoke test before packing: the entrypoint runs from the assembled tree.
"$ROOT/usr/local/bin/node" "$ROOT/app/dist/main.js" --help >/dev/null

# --- the image ------------------------------------------------------------------------------------
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || REVISION="$REVISION-dirty"
CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "buildah from scratch"
ctr=$(buildah from --quiet scratch)
buildah copy --quiet "$ctr" "$ROOT" / >/dev/null
# Node flags and environment of the runtime (memory at rest, docs/benchmarks.md).
ENTRYPOINT=$(node -p 'JSON.stringify(["/usr/local/bin/node", ...require("./scripts/image/node-runtime.json").flags, "/app/dist/main.js"])')
mapfile -t RUNTIME_ENV < <(node -p 'Object.entries(require("./scripts/image/node-runtime.json").env).map(([k, v]) => `--env\n${k}=${v}`).join("\n")')
buildah config \
  --entrypoint "$ENTRYPOINT" \
  "${RUNTIME_ENV[@]}" \
  --cmd '' \
  --user 1001:1001 \
  --workingdir /tmp \
  --env NODE_ENV=production \
  --env PATH=/usr/local/bin \
  --port 6443/tcp \
  --created-by 'scripts/image/build.sh: rootfs assembled from scratch (node, its libraries, /app)' \
  --os linux \
  --arch "$(buildah info --format '{{.host.arch}}' 2>/dev/null || echo amd64)" \
  --label "org.opencontainers.image.title=$NAME" \
  --label "org.opencontainers.image.description=$(node -p 'require("./package.json").description')" \
  --label "org.opencontainers.image.version=$VERSION" \
  --label "org.opencontainers.image.revision=$REVISION" \
  --label "org.opencontainers.image.created=$CREATED" \
  --label "org.opencontainers.image.licenses=$(node -p 'require("./package.json").license')" \
  --label "org.opencontainers.image.base.name=scratch" \
  --label "org.opencontainers.image.ref.name=$VERSION" \
  "$ctr"
rm -f "$ARCHIVE"
log "buildah commit → oci-archive:$ARCHIVE"
buildah commit --quiet --format oci --disable-compression=false --rm "$ctr" "oci-archive:$ARCHIVE:$NAME:$VERSION" >/dev/null
ctr=""

rootfs_bytes=$(du -sb "$ROOT" | cut -f1)
archive_bytes=$(stat -c %s "$ARCHIVE")
log "done in $((SECONDS - started)) s"
printf 'image archive: %s\n' "$ARCHIVE"
printf 'archive size:  %s bytes (%s MiB)\n' "$archive_bytes" "$(awk -v b="$archive_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
printf 'rootfs size:   %s bytes (%s MiB) unpacked\n' "$rootfs_bytes" "$(awk -v b="$rootfs_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
printf 'load it:       podman load -i %s   (or: skopeo copy oci-archive:%s docker-daemon:%s:%s)\n' \
  "$ARCHIVE" "$ARCHIVE" "$NAME" "$VERSION"
