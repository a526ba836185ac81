#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh machine (idempotent):
# npm packages (npm ci), Debian's prometheus/promtool, iproute2, util-linux, nftables, iptables and
# conntrack (for the local cluster and its kube-proxy), and chromium (the status page's browser
# test drives it headless through playwright-core; no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[deps %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v ip >/dev/null || missing+=(iproute2)
command -v unshare >/dev/null || missing+=(util-linux)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
command -v nft >/dev/null || missing+=(nftables)
command -v iptables-save >/dev/null || missing+=(iptables)
command -v conntrack >/dev/null || missing+=(conntrack)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if (( ${#missing[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then log "need root to install: ${missing[*]}"; exit 1; fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
