#!/usr/bin/env bash
# Stops the local cluster and removes everything it made: the node agent and every pod process,
# kube-proxy, the controller-manager, the apiserver and etcd; pod network namespaces, veths, the
# service router's namespace (with every nftables/iptables rule and conntrack entry kube-proxy made:
# they live only there), the bridge and the host's ClusterIP route; mount-point directories the node
# agent created on the host; and the state directory (pass --keep-state to keep PKI, etcd data and logs).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
keep=false
[[ "${1:-}" == "--keep-state" ]] && keep=true
[[ $(id -u) -eq 0 ]] || die "needs root"

stop_pid node-agent 10

# Every pod process lives in a network namespace named "$BRIDGE-…": stop them, then the namespace.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$BRIDGE-" || true); do
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  if [[ -n "$pids" ]]; then
    log "stopping pod processes in $ns: $(echo $pids)"
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 50); do
      [[ -z "$(ip netns pids "$ns" 2>/dev/null)" ]] && break
      sleep 0.1
    done
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  fi
  ip netns delete "$ns" 2>/dev/null || true
done

# kube-proxy's rules are in its own namespace (see up.sh), not the host's: deleting the namespace removes
# them, so no `kube-proxy --cleanup`, which would also flush other clusters' rules if they lived on the host.
stop_pid kube-proxy 10
if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$PROXY_NS"; then
  pids=$(ip netns pids "$PROXY_NS" 2>/dev/null || true)
  [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  log "deleting service router namespace $PROXY_NS"
  ip netns delete "$PROXY_NS" 2>/dev/null || true
fi
ip link delete "$PROXY_VETH" 2>/dev/null || true

stop_pid kube-controller-manager 10
stop_pid kube-apiserver 15
stop_pid etcd 10

# Host-side veth ends go with their namespace; remove any stragglers, the bridge and the route.
for v in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^${BRIDGE}v" || true); do
  ip link delete "$v" 2>/dev/null || true
done
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "deleting bridge $BRIDGE"
  ip link delete "$BRIDGE"
fi
# The ClusterIP route (gone with the bridge already, unless the bridge was missing) or an older blackhole.
for _ in 1 2 3; do ip route del "$SERVICE_CIDR" 2>/dev/null || break; done

# Mounts: pods mount only inside their private mount namespaces, gone with them; this is a safety net.
for m in $(findmnt -rn -o TARGET 2>/dev/null | grep "^$CLUSTER_DIR/" | sort -r || true); do
  umount -l "$m" 2>/dev/null || true
done

# Mount-point directories created on the host for volumeMounts (e.g. /var/run/serving-cert), deepest first,
# unless another project cluster still has pods that may use them.
dirs="$CLUSTER_DIR/node/host-dirs"
if [[ -f "$dirs" ]]; then
  if ip netns list 2>/dev/null | grep -q '^k8spa'; then
    log "another cluster still has pods; keeping mount-point directories listed in $dirs"
  else
    awk '{ print length($0) "\t" $0 }' "$dirs" | sort -rn | cut -f2- | while read -r d; do
      [[ -d "$d" ]] && rmdir "$d" 2>/dev/null || true
    done
  fi
fi

if $keep; then
  log "stopped; state kept in $CLUSTER_DIR"
else
  # $dirs is read above before the state goes away.
  rm -rf "$CLUSTER_DIR"
  log "stopped and removed $CLUSTER_DIR"
fi
