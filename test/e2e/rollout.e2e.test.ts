// End-to-end: zero-downtime rollout of a 2-replica adapter behind the aggregator. The adapter runs
// with a /readyz readiness probe and --shutdown-delay-duration, maxUnavailable 0 / maxSurge 1 and a
// PodDisruptionBudget; while HPA-style reads go through the kube-apiserver every ~100 ms, the
// Deployment is restarted and then one pod is deleted. No read may fail and the HPA may see no
// Warning event. Its own cluster (slot 8: ports 16513/12449, bridge k8spa8, 10.244.80.0/24),
// always torn down. Needs root; skips otherwise.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  stepRunner,
  waitApiServicesAvailable,
} from './local-cluster.ts';
import { hpaWarningsSince, startReads } from './hpa-reads.ts';
import { prepareWalkthrough, registerWalkthroughAdapter } from './security-cluster.ts';
import { pollUntil } from '../support/poll.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const WALK = join(REPO_ROOT, 'deploy/walkthrough');
const ENV = e2eClusterEnv(8);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const METRIC =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app';
const MIN = 60_000;
const DELAY = '10s';

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);

/** Prometheus alone (the walkthrough's container), reachable as service prom-server:9090. */
const prometheus = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'prom-server', namespace: 'prom' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'prom-server' } },
    template: {
      metadata: { labels: { app: 'prom-server' } },
      spec: {
        serviceAccountName: 'prom-cm-adapter',
        containers: [
          {
            name: 'prometheus',
            image: 'prom/prometheus:v2.42.0',
            args: [
              '--config.file=/etc/prometheus/prometheus.yml',
              '--storage.tsdb.path=/prometheus',
              '--web.listen-address=:9090',
            ],
            ports: [{ containerPort: 9090 }],
            volumeMounts: [
              { mountPath: '/etc/prometheus', name: 'prom-config' },
              { mountPath: '/prometheus', name: 'prom-data' },
            ],
          },
        ],
        volumes: [
          { name: 'prom-config', configMap: { name: 'prometheus' } },
          { name: 'prom-data', emptyDir: {} },
        ],
      },
    },
  },
};

/** The adapter: 2 replicas, readiness on /readyz, shutdown delay, surge-only rollouts. */
const adapter = (promUrl: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'cm-adapter', namespace: 'prom' },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    selector: { matchLabels: { app: 'cm-adapter' } },
    template: {
      metadata: { labels: { app: 'cm-adapter' } },
      spec: {
        serviceAccountName: 'prom-cm-adapter',
        terminationGracePeriodSeconds: 60,
        containers: [
          {
            name: 'cm-adapter',
            image: 'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0',
            args: [
              '--secure-port=6443',
              '--tls-cert-file=/var/run/serving-cert/serving.crt',
              '--tls-private-key-file=/var/run/serving-cert/serving.key',
              `--prometheus-url=${promUrl}`,
              '--metrics-relist-interval=30s',
              '--rate-interval=30s',
              `--shutdown-delay-duration=${DELAY}`,
            ],
            ports: [{ containerPort: 6443, name: 'https' }],
            readinessProbe: {
              httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
              periodSeconds: 1,
              failureThreshold: 1,
            },
            volumeMounts: [
              { mountPath: '/var/run/serving-cert', name: 'serving-certs', readOnly: true },
            ],
          },
        ],
        volumes: [{ name: 'serving-certs', secret: { secretName: 'cm-adapter-serving-certs' } }],
      },
    },
  },
});

/** Waits until exactly the 2 replicas exist (terminating pods have exited and been removed). */
const settled = async () => {
  const r = await pollUntil(
    () => kubectl('-n', 'prom', 'get', 'pods', '-l', 'app=cm-adapter', '-o', 'name'),
    (out) => out.trim().split(/\s+/).length === 2,
    { timeoutMs: 2 * MIN, intervalMs: 500 },
  );
  assert.ok(r.ok, `old adapter pods still there: ${String(r.value)}`);
};

const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'cm-adapter', namespace: 'prom' },
  spec: { minAvailable: 1, selector: { matchLabels: { app: 'cm-adapter' } } },
};

describe(
  'rolling restart of a 2-replica adapter (zero failed reads)',
  { skip: e2eSkipReason() ?? false, timeout: 30 * MIN },
  () => {
    const { step, failed } = stepRunner();
    before(() => freshCluster(ENV), { timeout: 20 * MIN });
    after(
      async () => {
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,endpoints,apiservices,hpa,pdb', '-A', '-o', 'wide'),
            kubectl('get', 'events', '-A'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 3 * MIN },
    );

    step(
      'deploys Prometheus, the sample app, the adapter (2 replicas) and the HPA',
      5 * MIN,
      async () => {
        // The walkthrough's namespace, Prometheus config, RBAC and serving certificate.
        const ca = await prepareWalkthrough(kubectl, REPO_ROOT, DIR);
        await kubectl(
          '-n',
          'prom',
          'create',
          'service',
          'clusterip',
          'prom-server',
          '--tcp=9090:9090',
        );
        const ip = (
          await kubectl(
            '-n',
            'prom',
            'get',
            'service',
            'prom-server',
            '-o',
            'jsonpath={.spec.clusterIP}',
          )
        ).trim();
        const manifests = join(DIR, 'rollout.json');
        await writeFile(
          manifests,
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'List',
            items: [prometheus, adapter(`http://${ip}:9090/`), pdb],
          }),
        );
        await kubectl('apply', '-f', manifests);
        // The walkthrough's service `prometheus` and APIServices; the service selects the
        // adapter pods (app=cm-adapter).
        await registerWalkthroughAdapter(kubectl, REPO_ROOT, DIR, ca);
        await kubectl('-n', 'prom', 'set', 'selector', 'service', 'prometheus', 'app=cm-adapter');
        await kubectl('apply', '-f', join(WALK, 'sample-app.deploy.yaml'));
        await kubectl('apply', '-f', join(WALK, 'sample-app-hpa.yaml'));
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prom-server', '--timeout=120s');
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/cm-adapter', '--timeout=180s');
      },
    );

    step('the metric is served through the aggregator', 5 * MIN, async (t) => {
      await waitApiServicesAvailable(t, kubectl, ['v1beta1.custom.metrics.k8s.io'], 3 * MIN);
      const r = await pollUntil(
        async () => JSON.parse(await kubectl('get', '--raw', METRIC)) as { items: unknown[] },
        (m) => m.items.length > 0,
        { timeoutMs: 3 * MIN, intervalMs: 3000 },
      );
      assert.ok(r.ok, `no metric: ${String(r.lastError)}`);
    });

    step(
      'rollout restart and a pod deletion: no failed read, no HPA warning',
      8 * MIN,
      async (t) => {
        const since = new Date();
        const reads = startReads(kubectl, METRIC);
        const t0 = Date.now();
        await kubectl('-n', 'prom', 'rollout', 'restart', 'deployment/cm-adapter');
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/cm-adapter', '--timeout=240s');
        await settled();
        const rolloutSeconds = (Date.now() - t0) / 1000;
        const pods = (
          await kubectl(
            '-n',
            'prom',
            'get',
            'pods',
            '-l',
            'app=cm-adapter',
            '-o',
            'jsonpath={.items[*].metadata.name}',
          )
        )
          .trim()
          .split(/\s+/);
        const t1 = Date.now();
        await kubectl('-n', 'prom', 'delete', 'pod', pods[0] ?? '', '--wait=true');
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/cm-adapter', '--timeout=120s');
        const replaceSeconds = (Date.now() - t1) / 1000;
        // Read on until every old pod has gone (shutdown delay and drain included), then 5 s more.
        await settled();
        await new Promise((r) => setTimeout(r, 5000));
        const tally = await reads.stop();
        const warnings = await hpaWarningsSince(kubectl, since);
        t.diagnostic(
          `reads ${tally.reads}, failures ${tally.failures.length}; rollout ${rolloutSeconds}s, ` +
            `pod replaced in ${replaceSeconds}s; HPA warnings ${warnings.length}`,
        );
        assert.deepEqual(tally.failures, []);
        assert.deepEqual(warnings, []);
      },
    );
  },
);
