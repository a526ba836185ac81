// End-to-end: the walkthrough (docs/walkthrough.md) on a real kube-apiserver aggregator and HPA
// controller, driven with kubectl only. Brings up its own local cluster (scripts/cluster/up.sh with
// a separate state dir, ports and bridge) and always tears it down. Needs root; skips otherwise.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, type TestContext } from 'node:test';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  startCurlLoad,
  stepRunner,
  stopChild,
  waitApiServicesAvailable,
} from './local-cluster.ts';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { pollUntil } from '../support/poll.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const REPO = REPO_ROOT;
const WALK = join(REPO, 'deploy/walkthrough');
const ENV = e2eClusterEnv();
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
/** Prometheus scrapes every pod's /metrics every 15 s (prom-cfg.yaml), and the sample app counts it. */
const SCRAPES = 1 / 15;
/**
 * Load in curls/s. Each of N pods serves LOAD/N + 1/15 req/s against a 500m target (±10%): at
 * N = 4 that is 454m, inside the tolerance, and 4 is the only N where the HPA can rest (at 3 it is
 * 583m and it scales up; at 5, 377m and it scales down to ceil(5 × 0.754) = 4).
 */
const LOAD = 1.55;
const EXPECTED = 4;
/** The walkthrough's own request, `selector` and all (ignored, as upstream: all pods of default). */
const METRIC =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?selector=app%3Dsample-app';
/** What the pods' values add up to under LOAD on `n` pods. */
const expectedSum = (n: number) => LOAD + n * SCRAPES;
const MIN = 60_000;

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const kubectlJson = async <T>(...args: string[]): Promise<T> =>
  JSON.parse(await kubectl(...args)) as T;

interface MetricList {
  items: { describedObject: { name: string }; value: string }[];
}
const metricValues = async (): Promise<number[]> =>
  (await kubectlJson<MetricList>('get', '--raw', METRIC)).items.map((i) => parseQuantity(i.value));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface Scale {
  spec: { replicas: number };
  status: { readyReplicas?: number };
}
const replicas = async () => {
  const d = await kubectlJson<Scale>('get', 'deploy/sample-app', '-o', 'json');
  return { desired: d.spec.replicas, ready: d.status.readyReplicas ?? 0 };
};

/** Holds at `want` replicas (desired and ready) for `holdMs`, polling every 2s; restarts the clock on any change. */
const settlesAt = async (t: TestContext, want: number, timeoutMs: number, holdMs = 30_000) => {
  let since = 0;
  const seen: string[] = [];
  const result = await pollUntil(
    replicas,
    (r) => {
      const at = r.desired === want && r.ready === want;
      since = at ? since || Date.now() : 0;
      return at && Date.now() - since >= holdMs;
    },
    {
      timeoutMs,
      onTick: (r) => {
        const s = `${r.ready}/${r.desired}`;
        if (seen.at(-1) !== s) {
          seen.push(s);
          t.diagnostic(`replicas ready/desired ${s}`);
        }
      },
    },
  );
  return { ...result, history: seen };
};

describe(
  'walkthrough on a local cluster (kubectl only)',
  { skip: e2eSkipReason() ?? false, timeout: 60 * MIN },
  () => {
    let load: ChildProcess | undefined;
    const { step, failed } = stepRunner();
    let metricListedAt = 0;
    let clusterIp = '';

    before(() => freshCluster(ENV), { timeout: 45 * MIN });

    after(
      async () => {
        await stopChild(load);
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices,hpa', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
            kubectl('describe', 'hpa', 'sample-app'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    step('applies the walkthrough manifests with kubectl', 3 * MIN, async () => {
      const certs = join(DIR, 'walkthrough-certs');
      await run('bash', [join(WALK, 'gen-serving-cert.sh'), certs], KENV);
      await kubectl('create', 'namespace', 'prom');
      await kubectl(
        '-n',
        'prom',
        'create',
        'configmap',
        'prometheus',
        `--from-file=prometheus.yml=${join(WALK, 'prom-cfg.yaml')}`,
      );
      await kubectl('apply', '-f', join(WALK, 'prom-adapter.rbac.yaml'));
      await kubectl(
        '-n',
        'prom',
        'create',
        'secret',
        'generic',
        'cm-adapter-serving-certs',
        `--from-file=serving.crt=${join(certs, 'serving.crt')}`,
        `--from-file=serving.key=${join(certs, 'serving.key')}`,
      );
      await kubectl('apply', '-f', join(WALK, 'prom-adapter.deployment.yaml'));
      await kubectl('-n', 'prom', 'create', 'service', 'clusterip', 'prometheus', '--tcp=443:6443');
      const ca = (await readFile(join(certs, 'ca.crt'))).toString('base64');
      const registration = join(DIR, 'cm-registration.yaml');
      await writeFile(
        registration,
        (await readFile(join(WALK, 'cm-registration.yaml'), 'utf8')).replaceAll('CA_BUNDLE', ca),
      );
      await kubectl('apply', '-f', registration);
      await kubectl('apply', '-f', join(WALK, 'sample-app.deploy.yaml'));
      await kubectl('create', 'service', 'clusterip', 'sample-app', '--tcp=80:8080');
      await kubectl('apply', '-f', join(WALK, 'sample-app-hpa.yaml'));
      await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prometheus', '--timeout=120s');
      await kubectl('rollout', 'status', 'deploy/sample-app', '--timeout=120s');
    });

    step('the APIServices become Available=True', 4 * MIN, async (t) => {
      await waitApiServicesAvailable(
        t,
        kubectl,
        ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'],
        3 * MIN,
      );
    });

    step('discovery through the aggregator lists pods/http_requests', 5 * MIN, async (t) => {
      const r = await pollUntil(
        () =>
          kubectlJson<{ resources: { name: string }[] }>(
            'get',
            '--raw',
            '/apis/custom.metrics.k8s.io/v1beta1',
          ),
        (d) => d.resources.some((x) => x.name === 'pods/http_requests'),
        { timeoutMs: 4 * MIN, intervalMs: 3000 },
      );
      t.diagnostic(`listed after ${r.seconds}s`);
      assert.ok(
        r.ok,
        `pods/http_requests not in discovery: ${JSON.stringify(r.value ?? r.lastError)}`,
      );
      metricListedAt = Date.now();
    });

    step('a user without RBAC gets 403 through the aggregator', MIN, async () => {
      // The HPA controller's ServiceAccount is bound to custom-metrics-getter: it reads the metric.
      const hpa = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';
      await kubectl('get', '--raw', METRIC, `--as=${hpa}`);
      // The kube-apiserver's own RBAC check refuses this user before proxying (same wording as the
      // adapter's); the adapter's own refusals are shown in security.e2e.test.ts.
      const user = 'walkthrough-no-rbac';
      const refused = await kubectl('get', '--raw', METRIC, `--as=${user}`).then(
        (out) => `unexpected success: ${out}`,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      assert.ok(
        refused.includes(
          `Error from server (Forbidden): pods.custom.metrics.k8s.io "*" is forbidden: User "${user}" ` +
            'cannot get resource "pods/http_requests" in API group "custom.metrics.k8s.io" in the namespace "default"',
        ),
        refused,
      );
    });

    step(
      'curl http://<ClusterIP>/metrics from the host, as the walkthrough does',
      MIN,
      async (t) => {
        const ip = await kubectl(
          'get',
          'service',
          'sample-app',
          '-o',
          'jsonpath={ .spec.clusterIP }',
        );
        const count = async () => {
          const text = await run('curl', ['-sS', '-m', '5', `http://${ip.trim()}/metrics`], {});
          return Number(/^http_requests_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
        };
        const first = await count();
        const second = await count();
        t.diagnostic(`http_requests_total through ${ip.trim()}: ${first} then ${second}`);
        assert.ok(second > first, 'every request counts, /metrics included');
        clusterIp = ip.trim();
      },
    );

    step('the metric at rest is Prometheus scraping /metrics (≈67m)', 2 * MIN, async (t) => {
      // rate() needs two samples in its 30s window: the first value can lag discovery by a scrape.
      const r = await pollUntil(metricValues, (v) => v.length > 0, { timeoutMs: 90_000 });
      const values = r.value ?? [];
      t.diagnostic(`values at rest after ${r.seconds}s: ${values.join(', ')}`);
      assert.equal(values.length, 1, 'one sample-app pod reports the metric');
      assert.ok(
        values.every((v) => v < 3 * SCRAPES),
        `expected about ${SCRAPES.toFixed(3)}, got ${values.join(', ')}`,
      );
    });

    step(
      `${LOAD} curls/s of /metrics raise the metric to the sent rate (±20%)`,
      4 * MIN,
      async (t) => {
        load = startCurlLoad(REPO, LOAD, `http://${clusterIp}/metrics`);
        const near = (v: readonly number[]) =>
          Math.abs(sum(v) - expectedSum(v.length)) <= 0.2 * expectedSum(v.length);
        const r = await pollUntil(metricValues, near, {
          timeoutMs: 3 * MIN,
          intervalMs: 5000,
        });
        t.diagnostic(
          `sum ${sum(r.value ?? []).toFixed(3)} req/s over ${r.value?.length ?? 0} pods after ${r.seconds}s`,
        );
        assert.ok(
          r.ok,
          `sum of http_requests ${sum(r.value ?? []).toFixed(3)} not within 20% of ${LOAD} + scrapes`,
        );
      },
    );

    step(`the HPA settles at ${EXPECTED} replicas`, 7 * MIN, async (t) => {
      const r = await settlesAt(t, EXPECTED, 6 * MIN);
      t.diagnostic(`settled after ${r.seconds}s; history ${r.history.join(' → ')}`);
      assert.ok(r.ok, `replicas did not settle at ${EXPECTED}: history ${r.history.join(' → ')}`);
      // Every replica reports once Prometheus scraped it twice and the adapter relisted (≤ ~1 min).
      const all = await pollUntil(
        metricValues,
        (v) => v.length === EXPECTED && Math.abs(sum(v) - expectedSum(EXPECTED)) <= 0.2 * LOAD,
        { timeoutMs: 90_000, intervalMs: 5000 },
      );
      const v = all.value ?? [];
      const shown = `${v.map((x) => x.toFixed(3)).join(' + ')} = ${sum(v).toFixed(3)} req/s`;
      t.diagnostic(`at ${EXPECTED} replicas: ${shown}`);
      const want = expectedSum(EXPECTED).toFixed(3);
      assert.ok(all.ok, `expected ${EXPECTED} pods summing to ${want} ±20%, got ${shown}`);
    });

    step('kubectl describe hpa shows the metric and no errors', MIN, async (t) => {
      const text = await kubectl('describe', 'hpa', 'sample-app');
      t.diagnostic(
        text
          .split('\n')
          .filter((l) => /http_requests|Scaling|Able/.test(l))
          .join(' | '),
      );
      assert.match(text, /"http_requests" on pods:\s+\d+(\.\d+)?m? \/ 500m/);
      assert.match(text, /ScalingActive\s+True\s+ValidMetricFound/);
      assert.match(text, /AbleToScale\s+True/);
      const events = await kubectlJson<{
        items: { reason: string; message: string; lastTimestamp?: string; eventTime?: string }[];
      }>(
        'get',
        'events',
        '--field-selector',
        'involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=sample-app,type=Warning',
        '-o',
        'json',
      );
      const recent = events.items.filter(
        (e) => Date.parse(e.lastTimestamp ?? e.eventTime ?? '') > metricListedAt + 15_000,
      );
      assert.deepEqual(
        recent.map((e) => `${e.reason}: ${e.message}`),
        [],
        'no HPA warnings once the metric is served',
      );
    });

    step('after the load stops the HPA scales back to 1', 6 * MIN, async (t) => {
      await stopChild(load);
      load = undefined;
      const r = await settlesAt(t, 1, 5 * MIN, 10_000);
      t.diagnostic(`back to 1 after ${r.seconds}s; history ${r.history.join(' → ')}`);
      assert.ok(r.ok, `did not scale back to 1: history ${r.history.join(' → ')}`);
    });
  },
);
