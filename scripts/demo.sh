#!/usr/bin/env bash
# `npm run demo`: the walkthrough (docs/walkthrough.md), end to end, narrated.
# Brings up the local cluster, deploys Prometheus + the adapter and the sample app with kubectl,
# waits for the custom metrics API through the aggregator, then drives load with the walkthrough's own
# command, `curl http://<the sample-app ClusterIP>/metrics` (kube-proxy serves ClusterIPs on the local
# cluster), and watches the HPA scale out and back in. Leaves the cluster up; `npm run cluster:down`
# removes it.
#   LOAD_RATE=2.5 (curls/s, total)  LOAD_SECONDS=240 (upper bound; load stops once the HPA settled)
# The sample app counts every request, /metrics included, so each pod also sees Prometheus's scrapes
# (1 per scrape interval, 1/15 req/s): the HPA settles where L/N + 1/15 is within 10% of 500m per pod.
# 2.5 req/s has one such N, 6; some rates have two (2.75: 6 and 7), so the demo could not say which.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
W="$REPO/deploy/walkthrough"
RATE="${LOAD_RATE:-2.5}"
LOAD_SECONDS="${LOAD_SECONDS:-240}"
T0=$SECONDS
TIMELINE=()

step() { printf '\n\033[1m[demo %s +%3ds] ── %s\033[0m\n' "$(date +%H:%M:%S)" $((SECONDS - T0)) "$*"; }
say() { printf '[demo %s +%3ds] %s\n' "$(date +%H:%M:%S)" $((SECONDS - T0)) "$*"; }
mark() { TIMELINE+=("+$((SECONDS - T0))s  $*"); say "$*"; }
run() { printf '  $ %s\n' "$*"; "$@"; }

# poll DESCRIPTION TIMEOUT CMD…: retry CMD until it succeeds, with a progress line every 10s.
poll() {
  local what=$1 timeout=$2 start=$SECONDS next=10
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || { say "gave up waiting for $what after ${timeout}s"; return 1; }
    ((SECONDS - start >= next)) && { say "  … still waiting for $what ($((SECONDS - start))s)"; next=$((next + 10)); }
    sleep 1
  done
}

[[ $(id -u) -eq 0 ]] || { echo "the demo needs root (network namespaces for the local cluster)" >&2; exit 1; }

step "1/8 Build the project (and, on first use, Kubernetes and Prometheus from Go modules)"
cd "$REPO"
[[ -d node_modules ]] || run npm ci --no-audit --no-fund
{ npm run build && npm run build:dev; } >/dev/null 2>&1 || say "tsc reported type errors (output still emitted)"
[[ -f dist/main.js && -f build/tools/node-agent/main.js ]] || { say "the build is incomplete: run npm run build and npm run build:dev and fix the errors"; exit 1; }

step "2/8 Start the local cluster"
bash scripts/cluster/up.sh >/dev/null
# shellcheck source=cluster/lib.sh
source scripts/cluster/lib.sh
find_kubectl
export KUBECONFIG="$KUBECONFIG_PATH" KUBECTL PATH="$(dirname "$KUBECTL"):$PATH"
run kubectl get nodes -o wide

step "3/8 Deploy Prometheus and the adapter (namespace prom)"
apply_generated() { "$@" --dry-run=client -o yaml | kubectl apply -f -; }
CERTS="$CLUSTER_DIR/walkthrough-certs"
run bash "$W/gen-serving-cert.sh" "$CERTS"
run apply_generated kubectl create namespace prom
run apply_generated kubectl -n prom create configmap prometheus --from-file=prometheus.yml="$W/prom-cfg.yaml"
run kubectl apply -f "$W/prom-adapter.rbac.yaml"
run apply_generated kubectl -n prom create secret generic cm-adapter-serving-certs \
  --from-file=serving.crt="$CERTS/serving.crt" --from-file=serving.key="$CERTS/serving.key"
run kubectl apply -f "$W/prom-adapter.deployment.yaml"
run apply_generated kubectl -n prom create service clusterip prometheus --tcp=443:6443
printf '  $ sed "s/CA_BUNDLE/$(base64 -w 0 < ca.crt)/" cm-registration.yaml | kubectl apply -f -\n'
sed "s/CA_BUNDLE/$(base64 -w 0 <"$CERTS/ca.crt")/" "$W/cm-registration.yaml" | kubectl apply -f -
run kubectl -n prom rollout status deploy/prometheus --timeout=180s
mark "Prometheus + adapter pod running"

step "4/8 Deploy the sample app and its HPA"
run kubectl apply -f "$W/sample-app.deploy.yaml"
run apply_generated kubectl create service clusterip sample-app --tcp=80:8080
run kubectl apply -f "$W/sample-app-hpa.yaml"
run kubectl rollout status deploy/sample-app --timeout=120s
CLUSTER_IP=$(kubectl get service sample-app -o jsonpath='{ .spec.clusterIP }')
say "the Service's ClusterIP $CLUSTER_IP answers from the host (kube-proxy); every call counts, /metrics included:"
for _ in 1 2; do
  printf '  $ curl http://$(kubectl get service sample-app -o jsonpath='"'"'{ .spec.clusterIP }'"'"')/metrics | grep ^http_requests_total\n'
  curl -sS "http://$(kubectl get service sample-app -o jsonpath='{ .spec.clusterIP }')/metrics" | grep '^http_requests_total'
done

step "5/8 Wait for the custom metrics API through the aggregator"
run kubectl wait --for=condition=Available apiservice/v1beta1.custom.metrics.k8s.io --timeout=180s
mark "APIService v1beta1.custom.metrics.k8s.io Available"
lists_metric() { kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1 | grep -q '"pods/http_requests"'; }
say "waiting until discovery lists pods/http_requests (first scrape + one relist, up to ~1 min)"
poll "pods/http_requests in discovery" 240 lists_metric
mark "discovery lists pods/http_requests"
run sh -c "kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1 | head -c 600; echo"

METRIC_PATH="/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app"
# Sum of the per-pod values (Kubernetes quantities) and the count of pods reporting.
metric() {
  kubectl get --raw "$METRIC_PATH" | node -e '
    const q = (s) => { const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s); const f = { "": 1, m: 1e-3, k: 1e3, M: 1e6 }; return m ? Number(m[1]) * (f[m[2]] ?? 1) : NaN; };
    let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => {
      const items = JSON.parse(t).items; const sum = items.reduce((a, i) => a + q(i.value), 0);
      console.log(`${sum.toFixed(3)} req/s over ${items.length} pod(s) [${items.map((i) => i.value).join(" ")}]`); });'
}
replicas() { kubectl get deploy sample-app -o jsonpath='{.status.readyReplicas}/{.spec.replicas}'; }

SCRAPE_S=$(sed -n 's/^ *scrape_interval: *\([0-9]*\)s.*/\1/p' "$W/prom-cfg.yaml" | head -1)
SCRAPE_S=${SCRAPE_S:-15}
step "6/8 The metric at rest: about 1/$SCRAPE_S req/s per pod, Prometheus's own scrapes of /metrics"
has_value() { kubectl get --raw "$METRIC_PATH" | grep -q '"value"'; }
poll "a first value (rate() needs two scrapes)" 90 has_value || true
run kubectl get --raw "$METRIC_PATH"
echo
mark "at rest: $(metric)"
run kubectl get hpa sample-app

# Where the HPA stops: each of N pods serves RATE/N + 1/SCRAPE_S req/s; the HPA (target 500m, 10%
# tolerance, at most max(+4, ×2) pods per step) scales to ceil(N × usage/target) until within tolerance.
EXPECTED=$(node -e '
  const [L, s] = [Number(process.argv[1]), 1 / Number(process.argv[2])];
  let n = 1;
  for (let i = 0; i < 20; i++) {
    const ratio = (L / n + s) / 0.5;
    if (Math.abs(ratio - 1) <= 0.1) break;
    n = Math.min(10, Math.ceil(n * ratio), Math.max(n + 4, 2 * n));
  }
  console.log(n);' "$RATE" "$SCRAPE_S")
step "7/8 Curl the ClusterIP's /metrics $RATE times a second: the HPA should settle at $EXPECTED replicas ($RATE/N + 1/$SCRAPE_S per pod ≈ 500m)"
# The walkthrough's load command, repeated: one curl every 1/RATE s (in the background, so slow answers
# do not lower the rate), for at most LOAD_SECONDS.
load_loop() {
  local interval n=0 end=$((SECONDS + LOAD_SECONDS))
  interval=$(node -e "console.log((1 / $RATE).toFixed(3))")
  while ((SECONDS < end)); do
    curl -s -o /dev/null -m 5 "http://$CLUSTER_IP/metrics" & # CLUSTER_IP: that same kubectl get, done once
    n=$((n + 1))
    ((n % 50)) || wait
    sleep "$interval"
  done
  wait
}
printf '  $ while sleep %s; do curl http://$(kubectl get service sample-app -o jsonpath='"'"'{ .spec.clusterIP }'"'"')/metrics; done\n' \
  "$(node -e "console.log((1 / $RATE).toFixed(3))")"
load_loop >/dev/null 2>&1 &
LOAD_PID=$!
LOAD_T0=$SECONDS
trap 'kill $LOAD_PID 2>/dev/null || true' EXIT
mark "load started ($RATE req/s to $CLUSTER_IP/metrics)"
last="" settled_at=0 start=$SECONDS
while kill -0 $LOAD_PID 2>/dev/null; do
  now=$(replicas)
  [[ "$now" != "$last" ]] && mark "replicas ready/desired: $now"
  last=$now
  say "http_requests: $(metric)"
  if [[ "$now" == "$EXPECTED/$EXPECTED" ]]; then
    ((settled_at > 0)) || settled_at=$SECONDS
    ((SECONDS - settled_at >= 30)) && { mark "settled at $EXPECTED replicas for 30s"; break; }
  else
    settled_at=0
  fi
  ((SECONDS - start < LOAD_SECONDS)) || break
  sleep 5
done
run kubectl describe hpa sample-app
kill $LOAD_PID 2>/dev/null || true
wait $LOAD_PID 2>/dev/null || true
mark "load stopped after $((SECONDS - LOAD_T0))s (about $(node -e "console.log(Math.round($RATE * $((SECONDS - LOAD_T0))))") requests)"

step "8/8 No load: the HPA scales back in (30s rate window + 30s downscale stabilization); scrapes alone are ~1/$SCRAPE_S req/s per pod"
start=$SECONDS
while ((SECONDS - start < 300)); do
  now=$(replicas)
  [[ "$now" != "$last" ]] && mark "replicas ready/desired: $now"
  last=$now
  say "http_requests: $(metric)"
  [[ "$now" == "1/1" ]] && break
  sleep 5
done
run kubectl get hpa sample-app

step "Done in $((SECONDS - T0))s. Timeline:"
printf '  %s\n' "${TIMELINE[@]}" | tee "$CLUSTER_DIR/demo-timeline.txt"
cat <<EOF

The cluster is still up. Try:
  export KUBECONFIG=$KUBECONFIG
  export PATH=$(dirname "$KUBECTL"):\$PATH
  kubectl get --raw "$METRIC_PATH"
  kubectl -n prom logs deploy/prometheus -c cm-adapter
  while sleep 0.5; do curl -s http://\$(kubectl get service sample-app -o jsonpath='{ .spec.clusterIP }')/metrics >/dev/null; done &
  kubectl get hpa sample-app --watch
Tear it all down with:
  npm run cluster:down
EOF
