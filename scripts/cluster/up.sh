#!/usr/bin/env bash
# Starts a one-node local Kubernetes: etcd, kube-apiserver (aggregation layer on), kube-controller-manager,
# our node agent (the kubelet + scheduler stand-in, pods as local processes in network namespaces) and
# kube-proxy (Service ClusterIPs, from the host and from pods; see "Services" below).
# Idempotent: components already running are left alone. State lives in $K8S_PA_CLUSTER_DIR
# (default ~/.cache/k8s-prometheus-adapter/cluster); `npm run cluster:down` removes it all.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
T0=$SECONDS
[[ $(id -u) -eq 0 ]] || die "the local cluster needs root (network namespaces, bind mounts)"

bash "$REPO_ROOT/scripts/cluster/ensure-deps.sh"
BIN=$(bash "$REPO_ROOT/scripts/cluster/build-binaries.sh")
find_kubectl
save_settings
mkdir -p "$RUN" "$LOGS"

if pid_alive etcd && pid_alive kube-apiserver && pid_alive kube-controller-manager && pid_alive node-agent &&
  pid_alive kube-proxy && kc get --raw /readyz >/dev/null 2>&1; then
  log "cluster already up (state in $CLUSTER_DIR)"
  printf '\nexport KUBECONFIG=%s\n' "$KUBECONFIG_PATH"
  exit 0
fi

log "generating PKI in $PKI"
bash "$REPO_ROOT/scripts/cluster/pki.sh"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "creating bridge $BRIDGE ($BRIDGE_IP/24)"
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
fi

# Services. kube-proxy (the real one) makes ClusterIPs work, but not in the host's own network namespace:
# its nftables table ("kube-proxy") and iptables chains (KUBE-*) have fixed names, so two clusters on one
# host (the e2e test's and yours, or several helpers' slots) would overwrite each other's rules on every
# sync, and `kube-proxy --cleanup` of one would wipe the other's. Each cluster therefore gets a service
# router: the network namespace $PROXY_NS, attached to the bridge like a pod (veth $PROXY_VETH,
# address $PROXY_IP), where kube-proxy runs and keeps all its rules. Nothing is added to the host's
# nftables/iptables or to host-wide sysctls; down.sh deletes the namespace and every rule goes with it.
#   host → ClusterIP: the host routes $SERVICE_CIDR via $PROXY_IP on the bridge;
#   pod → ClusterIP:  pods' default route is $PROXY_IP (set by the node agent, pod-network.ts).
# The router DNATs to a pod IP (or to the apiserver on the host, for the "kubernetes" Service) and sends
# the packet back out on the bridge. Client and backend share that one bridge, so without more the backend
# would answer the client directly, bypassing the router's conntrack, and the client would drop a reply
# that does not come from the ClusterIP. br_netfilter (bridge-nf-call-iptables) is no fix here: it runs
# bridged frames through the host's netfilter, and kube-proxy's NAT state is in the router's namespace.
# So kube-proxy runs with --masquerade-all: the router SNATs all service traffic to $PROXY_IP, and every
# reply comes back through it to be un-NATed. This works whatever the host's bridge-nf-call-iptables is.
# The router has no route beyond the pod /24, so pod traffic to anything else stops there.
if ! ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$PROXY_NS"; then
  log "creating service router: network namespace $PROXY_NS ($PROXY_IP on $BRIDGE)"
  ip link delete "$PROXY_VETH" 2>/dev/null || true
  ip netns add "$PROXY_NS"
  ip link add "$PROXY_VETH" type veth peer name eth0 netns "$PROXY_NS"
  ip link set "$PROXY_VETH" master "$BRIDGE" up
  ip -n "$PROXY_NS" addr add "$PROXY_IP/24" dev eth0
  ip -n "$PROXY_NS" link set eth0 up
  ip -n "$PROXY_NS" link set lo up
  # Namespace-local sysctls: forward (DNAT to the same link), and no ICMP redirects to the senders
  # (they would be told to bypass the router).
  ip netns exec "$PROXY_NS" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward &&
    echo 0 >/proc/sys/net/ipv4/conf/all/send_redirects && echo 0 >/proc/sys/net/ipv4/conf/eth0/send_redirects'
fi
# Replaces the blackhole route older versions of this script set for the same range.
ip route replace "$SERVICE_CIDR" via "$PROXY_IP" dev "$BRIDGE"

if ! pid_alive etcd; then
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  start_detached etcd "$BIN/etcd" --name k8spa --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "k8spa=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --log-level warn
  wait_for "etcd healthy" 60 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
fi

if ! pid_alive kube-apiserver; then
  log "starting kube-apiserver on :$API_PORT (advertised as $BRIDGE_IP)"
  start_detached kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 0.0.0.0 --secure-port "$API_PORT" --advertise-address "$BRIDGE_IP" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --requestheader-group-headers X-Remote-Group \
    --requestheader-username-headers X-Remote-User \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --enable-aggregator-routing=true \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --allow-privileged=true --profiling=false --v=1
  wait_for "kube-apiserver ready (/readyz)" 120 kc get --raw /readyz
fi

if ! pid_alive kube-controller-manager; then
  log "starting kube-controller-manager (HPA sync 5s, downscale stabilization 30s)"
  start_detached kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
    --controllers deployment-controller,replicaset-controller,endpoints-controller,endpointslice-controller,serviceaccount-controller,serviceaccount-token-controller,horizontal-pod-autoscaler-controller,namespace-controller,garbage-collector-controller,root-ca-certificate-publisher-controller,clusterrole-aggregation-controller \
    --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --horizontal-pod-autoscaler-sync-period 5s --horizontal-pod-autoscaler-downscale-stabilization 30s \
    --leader-elect=false --secure-port 0 --v=1
  wait_for "controller-manager running (default ServiceAccount exists)" 60 kc -n default get serviceaccount default
fi

if ! pid_alive node-agent; then
  if [[ ! -f "$REPO_ROOT/build/tools/node-agent/main.js" || ! -f "$REPO_ROOT/dist/main.js" ]]; then
    log "building the project (npm run build: the adapter in dist/; npm run build:dev: tools in build/)"
    (cd "$REPO_ROOT" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } &&
      npm run build >&2 && npm run build:dev >&2) || log "build reported errors"
    [[ -f "$REPO_ROOT/build/tools/node-agent/main.js" ]] || die "build/tools/node-agent/main.js missing after build"
  fi
  log "starting node agent for node $NODE_NAME"
  start_detached node-agent node "$REPO_ROOT/build/tools/node-agent/main.js" --repo-root "$REPO_ROOT" \
    --kubeconfig "$CLUSTER_DIR/node-agent.kubeconfig" --node-name "$NODE_NAME" \
    --state-dir "$CLUSTER_DIR/node" --bridge "$BRIDGE" --bridge-ip "$BRIDGE_IP" --api-port "$API_PORT" \
    --kube-version "$KUBE_VERSION" --prometheus-binary "$BIN/prometheus" \
    --victoria-metrics-binary "$CACHE_ROOT/victoria-metrics-${VICTORIA_METRICS_VERSION:-v1.151.0}/bin/victoria-metrics" \
    --tls-cert-file "$PKI/kubelet.crt" --tls-private-key-file "$PKI/kubelet.key" --client-ca-file "$PKI/ca.crt"
  wait_for "node $NODE_NAME Ready" 60 kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
fi

if ! pid_alive kube-proxy; then
  # nftables mode (kube-proxy's newest, GA since 1.33; K8S_PA_PROXY_MODE=iptables for the other).
  # --conntrack-max-per-core 0 leaves nf_conntrack_max alone (host-wide, read-only in a namespace); the
  # conntrack timeouts it sets are the router namespace's own. Health and metrics on the router's loopback.
  log "starting kube-proxy ($PROXY_MODE mode) in $PROXY_NS"
  start_detached kube-proxy ip netns exec "$PROXY_NS" "$BIN/kube-proxy" \
    --kubeconfig "$CLUSTER_DIR/kube-proxy.kubeconfig" --hostname-override "$NODE_NAME" \
    --proxy-mode "$PROXY_MODE" --cluster-cidr "$POD_NET.0/24" --masquerade-all \
    --conntrack-max-per-core 0 \
    --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249 --v=1
  wait_for "kube-proxy synced (healthz)" 60 ip netns exec "$PROXY_NS" curl -fsS http://127.0.0.1:10256/healthz
fi

log "cluster up in $((SECONDS - T0))s; kubeconfig: $KUBECONFIG_PATH"
printf '\nexport KUBECONFIG=%s\n' "$KUBECONFIG_PATH"
[[ "$(command -v kubectl || true)" == "$KUBECTL" ]] || printf '# kubectl %s: %s\n' "$KUBE_VERSION" "$KUBECTL"
