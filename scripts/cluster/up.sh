#!/usr/bin/env bash
# Starts a one-node local Kubernetes: etcd, kube-apiserver (aggregation layer on), kube-controller-manager
# and our node agent (the kubelet + scheduler stand-in, pods as local processes in network namespaces).
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
  kc get --raw /readyz >/dev/null 2>&1; then
  log "cluster already up (state in $CLUSTER_DIR)"
  printf '\nexport KUBECONFIG=%s\n' "$KUBECONFIG_PATH"
  exit 0
fi

log "generating PKI in $PKI"
bash "$REPO_ROOT/scripts/cluster/pki.sh"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "creating bridge $BRIDGE ($BRIDGE_IP/24); ClusterIPs $SERVICE_CIDR are blackholed"
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
fi
ip route replace blackhole "$SERVICE_CIDR"

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
    --tls-cert-file "$PKI/kubelet.crt" --tls-private-key-file "$PKI/kubelet.key" --client-ca-file "$PKI/ca.crt"
  wait_for "node $NODE_NAME Ready" 60 kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
fi

log "cluster up in $((SECONDS - T0))s; kubeconfig: $KUBECONFIG_PATH"
printf '\nexport KUBECONFIG=%s\n' "$KUBECONFIG_PATH"
[[ "$(command -v kubectl || true)" == "$KUBECTL" ]] || printf '# kubectl %s: %s\n' "$KUBE_VERSION" "$KUBECTL"
