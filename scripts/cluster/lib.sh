# Shared settings and helpers for the local cluster scripts (sourced, not run).
# Every setting can be overridden by an environment variable, and is frozen into
# $CLUSTER_DIR/cluster.env on the first `up`, so `down` finds the same names later.
CACHE_ROOT="${K8S_PA_CACHE:-$HOME/.cache/k8s-prometheus-adapter}"
CLUSTER_DIR="${K8S_PA_CLUSTER_DIR:-$CACHE_ROOT/cluster}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ -f "$CLUSTER_DIR/cluster.env" ]]; then
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/cluster.env"
fi
KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
API_PORT="${K8S_PA_API_PORT:-${API_PORT:-6443}}"
ETCD_PORT="${K8S_PA_ETCD_PORT:-${ETCD_PORT:-2379}}"
BRIDGE="${K8S_PA_BRIDGE:-${BRIDGE:-k8spa0}}"
POD_NET="${K8S_PA_POD_NET:-${POD_NET:-10.244.0}}"          # pods: $POD_NET.0/24, bridge $POD_NET.1
SERVICE_NET="${K8S_PA_SERVICE_NET:-${SERVICE_NET:-10.244.1}}" # ClusterIPs, served by kube-proxy (see up.sh)
NODE_NAME="${K8S_PA_NODE_NAME:-${NODE_NAME:-k8spa-node}}"
PROXY_MODE="${K8S_PA_PROXY_MODE:-${PROXY_MODE:-nftables}}"  # kube-proxy --proxy-mode: nftables or iptables
BRIDGE_IP="$POD_NET.1"
SERVICE_CIDR="$SERVICE_NET.0/24"
# The service router: a network namespace of its own per cluster, where kube-proxy runs and keeps its rules,
# attached to the bridge by the veth $PROXY_VETH with the address $PROXY_IP (.254 of the pod /24; the node
# agent never gives it to a pod and makes it every pod's default gateway, see serviceRouterIp in
# tools/node-agent/pod-network.ts). The name is outside the "$BRIDGE-" prefix of pod namespaces, which the
# node agent sweeps when it starts.
PROXY_NS="kube-proxy-$BRIDGE"
PROXY_VETH="${BRIDGE}kp"
PROXY_IP="$POD_NET.254"
KUBECONFIG_PATH="$CLUSTER_DIR/kubeconfig"
PKI="$CLUSTER_DIR/pki"
RUN="$CLUSTER_DIR/run"
LOGS="$CLUSTER_DIR/logs"

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

save_settings() {
  mkdir -p "$CLUSTER_DIR"
  cat >"$CLUSTER_DIR/cluster.env" <<ENV
KUBE_VERSION=$KUBE_VERSION
API_PORT=$API_PORT
ETCD_PORT=$ETCD_PORT
BRIDGE=$BRIDGE
POD_NET=$POD_NET
SERVICE_NET=$SERVICE_NET
NODE_NAME=$NODE_NAME
PROXY_MODE=$PROXY_MODE
ENV
}

# pid_alive NAME: the process recorded in $RUN/NAME.pid is running.
pid_alive() {
  local f="$RUN/$1.pid"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# start_detached NAME CMD...: runs CMD in its own session, logs to $LOGS/NAME.log, pid in $RUN/NAME.pid.
start_detached() {
  local name=$1
  shift
  mkdir -p "$RUN" "$LOGS"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$name.pid" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local i
  for i in $(seq 50); do [[ -s "$RUN/$name.pid" ]] && return 0; sleep 0.1; done
  die "$name did not start"
}

# stop_pid NAME [GRACE]: SIGTERM, wait up to GRACE seconds (default 10), then SIGKILL.
stop_pid() {
  local name=$1 grace=${2:-10} f="$RUN/$1.pid" pid i
  [[ -f "$f" ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "  $name ignored SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$f"
}

# wait_for DESCRIPTION TIMEOUT_S CMD...: polls CMD every 0.5s, printing progress every 5s.
wait_for() {
  local what=$1 timeout=$2 start=$SECONDS next=5
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= timeout)); then log "timed out after ${timeout}s waiting for $what"; return 1; fi
    if ((SECONDS - start >= next)); then log "  … waiting for $what ($((SECONDS - start))s)"; next=$((next + 5)); fi
    sleep 0.5
  done
  log "$what ($((SECONDS - start))s)"
}

kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

# Prefer the kubectl built with the cluster (same release); fall back to one on PATH.
find_kubectl() {
  local bin="$CACHE_ROOT/kube-$KUBE_VERSION/bin"
  if [[ -x "$bin/kubectl" ]]; then KUBECTL="$bin/kubectl"; else KUBECTL="$(command -v kubectl || true)"; fi
  [[ -n "$KUBECTL" ]] || die "kubectl not found (run scripts/cluster/build-binaries.sh)"
}
