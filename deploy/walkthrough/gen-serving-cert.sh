#!/usr/bin/env bash
# Makes a CA and a serving certificate for the adapter's Service (prometheus.prom.svc) with openssl:
#   gen-serving-cert.sh DIR  →  DIR/ca.crt DIR/ca.key DIR/serving.crt DIR/serving.key
# The aggregator checks the adapter's certificate against the APIService caBundle (ca.crt) for the
# name prometheus.prom.svc. Existing files are kept.
set -euo pipefail
dir=${1:?usage: gen-serving-cert.sh DIR}
mkdir -p "$dir" && cd "$dir"
[[ -f serving.crt && -f ca.crt ]] && exit 0
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out ca.key
openssl req -x509 -new -key ca.key -subj /CN=cm-adapter-ca -days 3650 -out ca.crt \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out serving.key
openssl req -new -key serving.key -subj /CN=prometheus.prom.svc 2>/dev/null |
  openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out serving.crt -extfile <(printf '%s\n' \
    'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
    'subjectAltName=DNS:prometheus.prom.svc,DNS:prometheus.prom,DNS:prometheus,DNS:prometheus.prom.svc.cluster.local') 2>/dev/null
chmod 600 ./*.key
