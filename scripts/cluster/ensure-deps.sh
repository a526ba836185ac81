#!/usr/bin/env bash
# Installs the host packages the local cluster and the walkthrough need, if missing:
# prometheus (the prom/prometheus image's stand-in), iproute2 (ip netns/veth/bridge),
# util-linux (nsenter, unshare, setsid), openssl (PKI), curl (health checks).
set -euo pipefail
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v ip >/dev/null || need+=(iproute2)
command -v nsenter >/dev/null && command -v unshare >/dev/null || need+=(util-linux)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
[[ ${#need[@]} -eq 0 ]] && exit 0
[[ $(id -u) -eq 0 ]] || { echo "need root to install: ${need[*]}" >&2; exit 1; }
echo "[deps] installing ${need[*]} (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
# Debian starts the packaged Prometheus as a service; the cluster runs its own per pod.
if [[ " ${need[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
  systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
