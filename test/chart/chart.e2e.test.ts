// End-to-end: the Helm chart (charts/k8s-prometheus-adapter) installed with a real `helm` on the
// local cluster (slot 7: its own state dir, ports, bridge k8spa7), next to a Prometheus and the
// walkthrough's sample app deployed with kubectl. `helm install` with the rules of
// deploy/metrics-apis/adapter-config.yaml (custom, external and resource) and a serving certificate
// given as tls.enable/ca/certificate/key → the four APIServices Available, the metric served through
// the aggregator (custom, external and node resource metrics), the walkthrough HPA scales out under
// the walkthrough's curl load; `helm upgrade` with a renamed rule →
// the pods roll and the new metric is served.
// Needs root and the cached helm (scripts/helm/build-helm.sh); skips otherwise. Always torn down.
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { parse } from 'yaml';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  startCurlLoad,
  stopChild,
  stepRunner,
  waitApiServicesAvailable,
} from '../e2e/local-cluster.ts';
import { pollUntil } from '../support/poll.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { CHART_DIR, helm, helmSkipReason } from './helm.ts';

const ENV = e2eClusterEnv(7);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
/** kubectl and helm talk to this cluster; helm keeps its own state in the cluster's directory. */
const KENV = {
  ...ENV,
  KUBECONFIG: join(DIR, 'kubeconfig'),
  HELM_CACHE_HOME: join(DIR, 'helm', 'cache'),
  HELM_CONFIG_HOME: join(DIR, 'helm', 'config'),
  HELM_DATA_HOME: join(DIR, 'helm', 'data'),
};
const WALK = join(REPO_ROOT, 'deploy/walkthrough');
const APIS = join(REPO_ROOT, 'deploy/metrics-apis');
const NS = 'monitoring';
const RELEASE = 'k8s-prometheus-adapter';
const MIN = 60_000;
const API_SERVICES = [
  'v1beta1.custom.metrics.k8s.io',
  'v1beta2.custom.metrics.k8s.io',
  'v1beta1.external.metrics.k8s.io',
  'v1beta1.metrics.k8s.io',
];
const metricUrl = (name: string) =>
  `/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/${name}`;

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Prometheus alone (the walkthrough runs it in the adapter's pod; here the chart's adapter is apart). */
const PROMETHEUS = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: prometheus, namespace: prom, labels: { app: prometheus } }
spec:
  replicas: 1
  selector: { matchLabels: { app: prometheus } }
  template:
    metadata: { labels: { app: prometheus } }
    spec:
      serviceAccountName: prom-cm-adapter
      containers:
        - name: prometheus
          image: prom/prometheus:v2.42.0
          args:
            - --config.file=/etc/prometheus/prometheus.yml
            - --storage.tsdb.path=/prometheus
            - --web.listen-address=:9090
          ports: [{ name: web, containerPort: 9090 }]
          volumeMounts:
            - { name: config, mountPath: /etc/prometheus }
            - { name: data, mountPath: /prometheus }
      volumes:
        - { name: config, configMap: { name: prometheus } }
        - { name: data, emptyDir: {} }
`;

/** A CA and a serving certificate for the chart's Service, k8s-prometheus-adapter.monitoring.svc. */
const makeCerts = async (dir: string): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const svc = `${RELEASE}.${NS}.svc`;
  const script = `set -euo pipefail; cd "$1"
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out ca.key
openssl req -x509 -new -key ca.key -subj /CN=chart-e2e-ca -days 30 -out ca.crt \\
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out tls.key
openssl req -new -key tls.key -subj /CN=${svc} |
  openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out tls.crt -extfile <(printf '%s\\n' \\
    'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \\
    'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:${svc},DNS:${RELEASE}.${NS},DNS:${RELEASE}')`;
  await run('bash', ['-c', script, 'certs', dir], {});
};

interface AdapterConfigFile {
  rules: { name?: { as?: string } }[];
  externalRules: unknown[];
  resourceRules: unknown;
}

/** Values: the rules of deploy/metrics-apis/adapter-config.yaml, custom rule named `customName`. */
const writeValues = async (file: string, prometheusIp: string, customName: string) => {
  const config = parse(
    await readFile(join(APIS, 'adapter-config.yaml'), 'utf8'),
  ) as AdapterConfigFile;
  const custom = config.rules.map((r) => ({ ...r, name: { ...r.name, as: customName } }));
  const values = {
    prometheus: { url: `http://${prometheusIp}`, port: 9090, path: '' },
    metricsRelistInterval: '15s',
    logLevel: 2,
    rules: {
      default: false,
      custom,
      external: config.externalRules,
      resource: config.resourceRules,
    },
  };
  // JSON is YAML.
  await writeFile(file, JSON.stringify(values, null, 2));
};

const discovered = async () =>
  (
    JSON.parse(await kubectl('get', '--raw', '/apis/custom.metrics.k8s.io/v1beta2')) as {
      resources: { name: string }[];
    }
  ).resources.map((r) => r.name);

const metricItems = async (name: string) =>
  (
    JSON.parse(await kubectl('get', '--raw', metricUrl(name))) as {
      items: { describedObject: { name: string } }[];
    }
  ).items;

describe(
  'the Helm chart on a local cluster (helm install, helm upgrade)',
  { skip: e2eSkipReason() ?? helmSkipReason() ?? false, timeout: 20 * MIN },
  () => {
    const { step, failed } = stepRunner();
    const certs = join(DIR, 'chart-certs');
    const valuesFile = join(DIR, 'chart-values.json');
    const tlsArgs = [
      '--set-file',
      `tls.ca=${join(certs, 'ca.crt')}`,
      '--set-file',
      `tls.certificate=${join(certs, 'tls.crt')}`,
      '--set-file',
      `tls.key=${join(certs, 'tls.key')}`,
      '--set',
      'tls.enable=true',
    ];
    let prometheusIp = '';

    before(() => freshCluster(ENV), { timeout: 45 * MIN });

    after(
      async () => {
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices', '-A', '-o', 'wide'),
            kubectl('-n', NS, 'logs', `deploy/${RELEASE}`, '--tail=40'),
            kubectl('-n', NS, 'describe', 'pods'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    step('deploys Prometheus and the sample app with kubectl', 3 * MIN, async () => {
      const promCfg = (await readFile(join(WALK, 'prom-cfg.yaml'), 'utf8')).replace(
        'scrape_interval: 15s',
        'scrape_interval: 5s',
      );
      await writeFile(join(DIR, 'prometheus.yml'), promCfg);
      await writeFile(join(DIR, 'prometheus.deploy.yaml'), PROMETHEUS);
      await kubectl('create', 'namespace', 'prom');
      await kubectl(
        '-n',
        'prom',
        'create',
        'configmap',
        'prometheus',
        `--from-file=prometheus.yml=${join(DIR, 'prometheus.yml')}`,
      );
      // The ServiceAccount prom-cm-adapter and its permission to discover pods and nodes.
      await kubectl('apply', '-f', join(WALK, 'prom-adapter.rbac.yaml'));
      await kubectl('apply', '-f', join(DIR, 'prometheus.deploy.yaml'));
      await kubectl(
        '-n',
        'prom',
        'create',
        'service',
        'clusterip',
        'prometheus',
        '--tcp=9090:9090',
      );
      await kubectl('apply', '-f', join(WALK, 'sample-app.deploy.yaml'));
      await kubectl('create', 'service', 'clusterip', 'sample-app', '--tcp=80:8080');
      prometheusIp = (
        await kubectl(
          '-n',
          'prom',
          'get',
          'service',
          'prometheus',
          '-o',
          'jsonpath={.spec.clusterIP}',
        )
      ).trim();
      assert.match(prometheusIp, /^\d+\.\d+\.\d+\.\d+$/);
      await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prometheus', '--timeout=120s');
      await kubectl('rollout', 'status', 'deploy/sample-app', '--timeout=120s');
    });

    step('helm install: the adapter rolls out with two replicas', 3 * MIN, async (t) => {
      await makeCerts(certs);
      await writeValues(valuesFile, prometheusIp, '${1}');
      const out = await helm(
        [
          'install',
          RELEASE,
          CHART_DIR,
          '--namespace',
          NS,
          '--create-namespace',
          '--values',
          valuesFile,
          ...tlsArgs,
        ],
        KENV,
      );
      t.diagnostic(out.split('\n').find((l) => l.startsWith('STATUS')) ?? out);
      await kubectl('-n', NS, 'rollout', 'status', `deploy/${RELEASE}`, '--timeout=150s');
      const ready = await kubectl(
        '-n',
        NS,
        'get',
        `deploy/${RELEASE}`,
        '-o',
        'jsonpath={.status.readyReplicas}',
      );
      assert.equal(ready, '2');
    });

    step('the four APIServices become Available=True', 3 * MIN, async (t) => {
      await waitApiServicesAvailable(t, kubectl, API_SERVICES, 2 * MIN);
      const ca = await kubectl(
        'get',
        'apiservice',
        API_SERVICES[0] ?? '',
        '-o',
        'jsonpath={.spec.caBundle}',
      );
      assert.equal(
        Buffer.from(ca, 'base64').toString().trimEnd(),
        (await readFile(join(certs, 'ca.crt'), 'utf8')).trimEnd(),
        'the aggregator verifies the adapter with the CA given as tls.ca',
      );
    });

    step('pods/http_requests is served through the aggregator', 3 * MIN, async (t) => {
      const r = await pollUntil(
        () => metricItems('http_requests'),
        (items) => items.length > 0,
        {
          timeoutMs: 150_000,
          intervalMs: 3000,
        },
      );
      t.diagnostic(
        `served after ${r.seconds}s: ${JSON.stringify(r.value ?? errorText(r.lastError))}`,
      );
      assert.ok(r.ok, `pods/http_requests not served: ${errorText(r.lastError)}`);
      assert.match(r.value?.[0]?.describedObject.name ?? '', /^sample-app-/);
    });

    step('the walkthrough HPA scales the sample app out under load', 5 * MIN, async (t) => {
      await kubectl('apply', '-f', join(WALK, 'sample-app-hpa.yaml'));
      const ip = (
        await kubectl('get', 'service', 'sample-app', '-o', 'jsonpath={ .spec.clusterIP }')
      ).trim();
      // 2 curls/s on one pod is 2.2 req/s against a 500m target: the HPA scales out.
      const load = startCurlLoad(REPO_ROOT, 2, `http://${ip}/metrics`);
      try {
        const r = await pollUntil(
          async () =>
            Number(await kubectl('get', 'deploy/sample-app', '-o', 'jsonpath={.spec.replicas}')),
          (replicas) => replicas >= 3,
          { timeoutMs: 4 * MIN, intervalMs: 3000 },
        );
        t.diagnostic(`sample-app at ${r.value ?? '?'} replicas after ${r.seconds}s`);
        assert.ok(r.ok, `the HPA did not scale out: ${r.value ?? errorText(r.lastError)}`);
      } finally {
        await stopChild(load);
      }
      // The upgrade below renames the metric this HPA reads.
      await kubectl('delete', 'hpa', 'sample-app');
    });

    step('external queue_depth and metrics.k8s.io nodes are served too', 2 * MIN, async (t) => {
      const external = await pollUntil(
        async () =>
          (
            JSON.parse(
              await kubectl(
                'get',
                '--raw',
                '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth',
              ),
            ) as { items: { value: string }[] }
          ).items,
        (items) => items.length > 0,
        { timeoutMs: 90_000, intervalMs: 3000 },
      );
      t.diagnostic(`queue_depth after ${external.seconds}s: ${JSON.stringify(external.value)}`);
      assert.ok(external.ok, `queue_depth not served: ${errorText(external.lastError)}`);
      const node = ENV.K8S_PA_NODE_NAME ?? '';
      const nodes = await pollUntil(
        async () =>
          (
            JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes')) as {
              items: { metadata: { name: string } }[];
            }
          ).items.map((i) => i.metadata.name),
        (names) => names.includes(node),
        { timeoutMs: 90_000, intervalMs: 3000 },
      );
      t.diagnostic(`metrics.k8s.io nodes after ${nodes.seconds}s: ${JSON.stringify(nodes.value)}`);
      assert.ok(nodes.ok, `node ${node} has no resource metrics: ${errorText(nodes.lastError)}`);
    });

    step(
      'helm upgrade with a renamed rule: the new metric is served, the old is gone',
      4 * MIN,
      async (t) => {
        await writeValues(valuesFile, prometheusIp, 'http_requests_per_second');
        await helm(
          ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, '--values', valuesFile, ...tlsArgs],
          KENV,
        );
        await kubectl('-n', NS, 'rollout', 'status', `deploy/${RELEASE}`, '--timeout=150s');
        const r = await pollUntil(
          async () => ({
            names: await discovered(),
            items: await metricItems('http_requests_per_second'),
          }),
          (v) =>
            v.items.length > 0 &&
            v.names.includes('pods/http_requests_per_second') &&
            !v.names.includes('pods/http_requests'),
          { timeoutMs: 150_000, intervalMs: 3000 },
        );
        t.diagnostic(
          `after ${r.seconds}s: ${JSON.stringify(r.value?.names ?? errorText(r.lastError))}`,
        );
        assert.ok(
          r.ok,
          `renamed metric not served: ${JSON.stringify(r.value ?? errorText(r.lastError))}`,
        );
        const revision = await helm(['history', RELEASE, '--namespace', NS, '-o', 'json'], KENV);
        assert.equal((JSON.parse(revision) as unknown[]).length, 2);
      },
    );
  },
);
