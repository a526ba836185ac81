#!/usr/bin/env bash
# Generates the cluster PKI with openssl (EC P-256, fast): cluster CA, apiserver serving cert,
# front-proxy CA + client (aggregation layer), service-account key pair, client certs for the
# admin, the controller-manager, the node agent, kube-proxy and the apiserver→kubelet client, and the
# kubelet serving cert; then the kubeconfigs. Idempotent: existing files are kept.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
mkdir -p "$PKI"
cd "$PKI"

key() { [[ -f "$1.key" ]] || openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$1.key"; }

ca() { # ca NAME CN
  [[ -f "$1.crt" ]] && return 0
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}

cert() { # cert NAME CA SUBJECT EXT_USAGE [SAN]
  local name=$1 ca=$2 subj=$3 usage=$4 san=${5:-}
  [[ -f "$name.crt" ]] && return 0
  key "$name"
  local ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$usage"
  [[ -n "$san" ]] && ext="$ext
subjectAltName=$san"
  openssl req -new -key "$name.key" -subj "$subj" 2>/dev/null |
    openssl x509 -req -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 3650 -out "$name.crt" \
      -extfile <(printf '%s\n' "$ext") 2>/dev/null
}

ca ca k8spa-cluster-ca
ca front-proxy-ca k8spa-front-proxy-ca
cert apiserver ca /CN=kube-apiserver serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$BRIDGE_IP,IP:$SERVICE_NET.1"
cert front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
cert admin ca "/O=system:masters/CN=kubernetes-admin" clientAuth
cert controller-manager ca /CN=system:kube-controller-manager clientAuth
cert node-agent ca "/O=system:masters/CN=system:node:$NODE_NAME" clientAuth
# The user system:kube-proxy is bound to the bootstrap ClusterRole system:node-proxier.
cert kube-proxy ca /CN=system:kube-proxy clientAuth
cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
cert kubelet ca "/CN=system:node:$NODE_NAME" serverAuth "DNS:$NODE_NAME,IP:$BRIDGE_IP"
[[ -f sa.key ]] || { key sa; openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null; }

kubeconfig() { # kubeconfig FILE CERT USER [SERVER]
  local file=$1 cert=$2 user=$3 server=${4:-https://127.0.0.1:$API_PORT}
  cat >"$file" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: k8spa
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$cert.crt")
    client-key-data: $(base64 -w0 <"$PKI/$cert.key")
contexts:
- name: k8spa
  context: {cluster: k8spa, user: $user, namespace: default}
current-context: k8spa
YAML
  chmod 600 "$file"
}
kubeconfig "$KUBECONFIG_PATH" admin kubernetes-admin
kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
kubeconfig "$CLUSTER_DIR/node-agent.kubeconfig" node-agent "system:node:$NODE_NAME"
# kube-proxy runs in the service router's network namespace: it reaches the apiserver on the bridge address.
kubeconfig "$CLUSTER_DIR/kube-proxy.kubeconfig" kube-proxy system:kube-proxy "https://$BRIDGE_IP:$API_PORT"
chmod 600 ./*.key
