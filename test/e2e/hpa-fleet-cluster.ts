/**
 * The HPA fleet e2e's parts: `count` Deployments `hpa-<i>` of one busybox `sleep` pod each (the
 * node agent runs it as one small process) with an HPA each on the Pods metric `http_requests`;
 * the adapter alone in its pod (walkthrough RBAC, certificates and APIServices) pointed at a
 * Prometheus URL on the host; an exporter on the host serving a counter per fleet pod that grows
 * at the pod's own constant rate, so every per-HPA query has one known, distinct answer at any
 * evaluation time (the HPA status does not say when its value was evaluated).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { directGet } from './direct-client.ts';
import { run } from './local-cluster.ts';

export type Kubectl = (...args: string[]) => Promise<string>;

export const FLEET_NS = 'fleet';

/** HPA i's pods grow their counter at this many per second (distinct, not round). */
export const rateOf = (i: number): number => (i + 1) * 0.013;

export const perHpaPromql = (pod: string): string =>
  `sum(rate(http_requests_total{namespace="${FLEET_NS}",pod=~"${pod}"}[1m])) by (pod)`;

const ADAPTER_CONFIG = `rules:
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: "namespace"}
      pod: {resource: "pod"}
  name:
    matches: "^(.*)_total$"
    as: "$1"
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
`;

const adapterDeployment = (prometheusUrl: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: prom, labels: {app: prometheus}}
spec:
  replicas: 1
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      serviceAccountName: prom-cm-adapter
      containers:
        - image: directxman12/k8s-prometheus-adapter
          name: cm-adapter
          args:
            - --secure-port=6443
            - --tls-cert-file=/var/run/serving-cert/serving.crt
            - --tls-private-key-file=/var/run/serving-cert/serving.key
            - --prometheus-url=${prometheusUrl}/
            - --metrics-relist-interval=30s
            - --config=/etc/adapter/config.yaml
            - --v=2
          volumeMounts:
            - {mountPath: /var/run/serving-cert, name: serving-certs, readOnly: true}
            - {mountPath: /etc/adapter, name: config}
      volumes:
        - {name: serving-certs, secret: {secretName: cm-adapter-serving-certs}}
        - {name: config, configMap: {name: adapter-config}}
`;

const fleetManifest = (count: number): string =>
  Array.from(
    { length: count },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: hpa-${i}, namespace: ${FLEET_NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: hpa-${i}}}
  template:
    metadata: {labels: {app: hpa-${i}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - {name: idle, image: busybox, command: [/bin/sh, -c, 'exec sleep 86400']}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa-${i}, namespace: ${FLEET_NS}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: hpa-${i}}
  minReplicas: 1
  maxReplicas: 2
  metrics:
    - type: Pods
      pods:
        metric: {name: http_requests}
        target: {type: AverageValue, averageValue: "1k"}
`,
  ).join('---\n');

/** Deploys the adapter (its Prometheus is `prometheusUrl`) and registers its APIServices. */
export const deployAdapter = async (
  kubectl: Kubectl,
  repo: string,
  dir: string,
  prometheusUrl: string,
): Promise<void> => {
  const walk = join(repo, 'deploy/walkthrough');
  const certs = join(dir, 'fleet-certs');
  await run('bash', [join(walk, 'gen-serving-cert.sh'), certs], {});
  await writeFile(join(dir, 'adapter-config.yaml'), ADAPTER_CONFIG);
  await writeFile(join(dir, 'adapter.yaml'), adapterDeployment(prometheusUrl));
  const prom = (...args: string[]) => kubectl('-n', 'prom', ...args);
  await kubectl('create', 'namespace', 'prom');
  await prom(
    ...['create', 'secret', 'generic', 'cm-adapter-serving-certs'],
    `--from-file=serving.crt=${join(certs, 'serving.crt')}`,
    `--from-file=serving.key=${join(certs, 'serving.key')}`,
  );
  await prom(
    ...['create', 'configmap', 'adapter-config'],
    `--from-file=config.yaml=${join(dir, 'adapter-config.yaml')}`,
  );
  await kubectl('apply', '-f', join(walk, 'prom-adapter.rbac.yaml'));
  await kubectl('apply', '-f', join(dir, 'adapter.yaml'));
  await prom('create', 'service', 'clusterip', 'prometheus', '--tcp=443:6443');
  const ca = (await readFile(join(certs, 'ca.crt'))).toString('base64');
  const registration = (await readFile(join(walk, 'cm-registration.yaml'), 'utf8')).replaceAll(
    'CA_BUNDLE',
    ca,
  );
  await writeFile(join(dir, 'registration.yaml'), registration);
  await kubectl('apply', '-f', join(dir, 'registration.yaml'));
  await prom('rollout', 'status', 'deploy/prometheus', '--timeout=180s');
};

export const deployFleet = async (kubectl: Kubectl, dir: string, count: number): Promise<void> => {
  await kubectl('create', 'namespace', FLEET_NS);
  await writeFile(join(dir, 'fleet.yaml'), fleetManifest(count));
  await kubectl('apply', '-f', join(dir, 'fleet.yaml'));
};

/** An exporter of `http_requests_total{namespace="fleet",pod}`, growing at `rate` per pod. */
export const startFleetExporter = async () => {
  const started = Date.now();
  let pods: readonly { readonly pod: string; readonly rate: number }[] = [];
  const server = createServer((_req, res) => {
    // Explicit sample timestamps: each counter is exactly linear in its own timestamps, so rate()
    // over it is the pod's rate whenever it is evaluated (scrape delays cannot skew it).
    const now = Date.now();
    const t = (now - started) / 1000;
    const lines = pods.map(
      (p) => `http_requests_total{namespace="${FLEET_NS}",pod="${p.pod}"} ${p.rate * t} ${now}`,
    );
    res.end(`# TYPE http_requests_total counter\n${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    setPods: (next: readonly { readonly pod: string; readonly rate: number }[]) => {
      pods = next;
    },
    stop: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
};

/** Sum of the series `name{…}` in a Prometheus text exposition matching every label given. */
export const sumSeries = (
  text: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): number => {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = `,${line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'))},`;
    const ok = Object.entries(labels).every(([k, v]) => body.includes(`,${k}="${v}",`));
    if (ok) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
};

/** The kube-apiserver's own /metrics. */
export const apiserverMetrics = (kubectl: Kubectl): Promise<string> =>
  kubectl('get', '--raw', '/metrics');

const READER = `apiVersion: v1
kind: ServiceAccount
metadata: {name: fleet-metrics-reader, namespace: prom}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: fleet-metrics-reader}
rules:
  - nonResourceURLs: [/metrics]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fleet-metrics-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fleet-metrics-reader}
subjects:
  - {kind: ServiceAccount, name: fleet-metrics-reader, namespace: prom}
`;

/**
 * Reads the adapter's own /metrics straight from its pod (the aggregator proxies only the API
 * groups), as a service account allowed `get` on /metrics, trusting the walkthrough's serving CA.
 */
export const adapterMetricsReader = async (kubectl: Kubectl, dir: string) => {
  await writeFile(join(dir, 'metrics-reader.yaml'), READER);
  await kubectl('apply', '-f', join(dir, 'metrics-reader.yaml'));
  const token = (await kubectl('-n', 'prom', 'create', 'token', 'fleet-metrics-reader')).trim();
  const pods = JSON.parse(
    await kubectl('-n', 'prom', 'get', 'pods', '-l', 'app=prometheus', '-o', 'json'),
  ) as { items: { status: { podIP?: string } }[] };
  const target = {
    host: pods.items[0]?.status.podIP ?? '',
    port: 6443,
    servername: 'prometheus.prom.svc',
    ca: await readFile(join(dir, 'fleet-certs', 'ca.crt'), 'utf8'),
  };
  return async (): Promise<string> => {
    const reply = await directGet(target, '/metrics', { token });
    if (reply.status !== 200) throw new Error(`adapter /metrics: ${reply.status} ${reply.text}`);
    return reply.text;
  };
};
