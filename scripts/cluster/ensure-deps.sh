#!/usr/bin/env bash
# Installs the host packages the local cluster and the walkthrough need, if missing:
# iproute2 (ip netns/veth/bridge), util-linux (nsenter, unshare, setsid), openssl (PKI),
# curl (health checks), nftables (`nft`: kube-proxy's nftables mode, the default here), iptables
# (kube-proxy's iptables mode, K8S_PA_PROXY_MODE=iptables, and iptables-save to inspect) and conntrack
# (to inspect kube-proxy's NAT entries). Prometheus is built by build-binaries.sh: Debian's package has no
# Kubernetes service discovery, which the walkthrough's configuration uses.
set -euo pipefail
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nsenter >/dev/null && command -v unshare >/dev/null || need+=(util-linux)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
command -v nft >/dev/null || need+=(nftables)
command -v iptables-save >/dev/null || need+=(iptables)
command -v conntrack >/dev/null || need+=(conntrack)
[[ ${#need[@]} -eq 0 ]] && exit 0
[[ $(id -u) -eq 0 ]] || { echo "need root to install: ${need[*]}" >&2; exit 1; }
echo "[deps] installing ${need[*]} (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
