// End-to-end: the walkthrough with VictoriaMetrics single-node in Prometheus's place (issue 12),
// on a local cluster (slot 12), driven with kubectl. VictoriaMetrics discovers and scrapes the
// sample app with the walkthrough's own kubernetes_sd_configs; the adapter's only rule is on a
// `dialect: metricsql` backend with a MetricsQL metricsQuery (`keep_metric_names`, `default 0`),
// the flag-defined backend points nowhere; under load the walkthrough HPA scales the sample app
// out, and back to 1 when the load stops; explain names the backend that answered. Skipped, with
// the reason, when VictoriaMetrics is not cached (npm run test:backends builds it) or the local
// cluster cannot run here. Always torn down.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { directGet, type AdapterTarget, type CertKey } from '../e2e/direct-client.ts';
import { noteRescales, scaleState, settlesAt } from '../e2e/hpa-timeline.ts';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  printDiagnostics,
  run,
  startCurlLoad,
  stepRunner,
  stopChild,
  waitApiServicesAvailable,
} from '../e2e/local-cluster.ts';
import { adapterPod, targetOf } from '../e2e/security-cluster.ts';
import { createTimeline, type Timeline } from '../e2e/timeline.ts';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import type { Explanation } from '../../src/explain/types.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { victoriaMetricsSkipReason } from '../support/victoria-metrics.ts';
import {
  deployVictoriaMetricsWalkthrough,
  SCRAPE_SECONDS,
  VM_URL,
} from './victoria-metrics-cluster.ts';

const ENV = e2eClusterEnv(12);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const METRIC =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app';
/**
 * curls/s of the sample app's /metrics. Each of N pods serves LOAD/N plus its scrapes (1/5 s)
 * against the walkthrough's 500m target: 1.4 on one pod, so the HPA scales out (about 4 pods).
 */
const LOAD = 1.2;
const MIN = 60_000;

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface MetricList {
  items: { describedObject: { name: string }; value: string }[];
}
const metricValues = async (): Promise<number[]> =>
  (JSON.parse(await kubectl('get', '--raw', METRIC)) as MetricList).items.map((i) =>
    parseQuantity(i.value),
  );

describe(
  'VictoriaMetrics + a metricsql backend drive the walkthrough HPA (local cluster, slot 12)',
  { skip: victoriaMetricsSkipReason() ?? e2eSkipReason() ?? false, timeout: 30 * MIN },
  () => {
    const { step, failed } = stepRunner();
    let target: AdapterTarget | undefined;
    let admin: CertKey | undefined;
    let load: ChildProcess | undefined;
    let timeline: Timeline | undefined;

    before(() => freshCluster(ENV), { timeout: 20 * MIN });
    after(
      async () => {
        await stopChild(load);
        if (failed()) {
          await printDiagnostics([
            kubectl('get', 'pods,apiservices,hpa', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'victoria-metrics'),
            kubectl('describe', 'hpa', 'sample-app'),
          ]);
        }
        await clusterDown(ENV);
      },
      { timeout: 3 * MIN },
    );

    step('deploys VictoriaMetrics + the adapter, the sample app and its HPA', 4 * MIN, async () => {
      const ca = await deployVictoriaMetricsWalkthrough(kubectl, REPO_ROOT, DIR);
      target = targetOf(await adapterPod(kubectl), ca);
      const pki = (f: string) => readFile(join(DIR, 'pki', f), 'utf8');
      admin = { cert: await pki('admin.crt'), key: await pki('admin.key') };
    });

    step('the APIServices become Available=True', 3 * MIN, async (t) => {
      const names = ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'];
      await waitApiServicesAvailable(t, kubectl, names, 2 * MIN);
    });

    step(
      'VictoriaMetrics scrapes the sample app found by kubernetes_sd_configs',
      2 * MIN,
      async (t) => {
        if (target === undefined) throw new Error('not deployed');
        const vm = `http://${target.host}:8428`;
        const query = encodeURIComponent('up{job="kubernetes-pods",namespace="default"}');
        const r = await pollUntil(
          async () => {
            const res = await fetch(`${vm}/api/v1/query?query=${query}`);
            const body = (await res.json()) as {
              data: { result: { metric: Record<string, string>; value: [number, string] }[] };
            };
            return body.data.result;
          },
          (result) =>
            result.some((s) => s.metric['pod']?.startsWith('sample-app') && s.value[1] === '1'),
          { timeoutMs: 90_000, intervalMs: 2000 },
        );
        t.diagnostic(
          `sample app up in VictoriaMetrics after ${r.seconds}s: ${JSON.stringify(r.value)}`,
        );
        assert.ok(
          r.ok,
          `no sample-app target up: ${JSON.stringify(r.value ?? String(r.lastError))}`,
        );
        const logs = await kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter');
        assert.doesNotMatch(
          logs,
          /invalid PromQL/,
          'a metricsql backend rule is not PromQL-checked',
        );
      },
    );

    step(
      'discovery lists pods/http_requests; at rest it is the scrapes (≈200m)',
      3 * MIN,
      async (t) => {
        // MetricsQL's rate of a series with one sample so far is 0: wait for the second scrape.
        const r = await pollUntil(metricValues, (v) => v.length > 0 && v.every((x) => x > 0), {
          timeoutMs: 2 * MIN,
          intervalMs: 3000,
        });
        t.diagnostic(`values at rest after ${r.seconds}s: ${(r.value ?? []).join(', ')}`);
        const values = polled(r, 'a value for the sample app');
        assert.equal(values.length, 1, 'one sample-app pod reports the metric');
        assert.ok(
          values.every((v) => v > 0 && v < 0.45),
          `expected about ${(1 / SCRAPE_SECONDS).toFixed(3)} (below the 500m target), got ${values.join(', ')}`,
        );
        const s = await scaleState(kubectl, 'sample-app');
        assert.equal(s.desired, 1, s.text);
      },
    );

    step(`${LOAD} curls/s: the HPA scales the sample app out`, 4 * MIN, async (t) => {
      const ip = (
        await kubectl('get', 'service', 'sample-app', '-o', 'jsonpath={.spec.clusterIP}')
      ).trim();
      const start = Date.now();
      const line = createTimeline(start);
      timeline = line;
      load = startCurlLoad(REPO_ROOT, LOAD, `http://${ip}/metrics`);
      line.note(`load started: ${LOAD} curls/s of http://${ip}/metrics`);
      let decided = 0;
      let last = '';
      const r = await pollUntil(
        () => scaleState(kubectl, 'sample-app'),
        (s) => s.desired >= 2 && s.ready >= 2,
        {
          timeoutMs: 3 * MIN,
          onTick: (s) => {
            if (s.desired >= 2 && decided === 0) decided = Date.now();
            const key = `${s.ready}/${s.desired}`;
            if (key !== last) line.note(s.text);
            last = key;
          },
        },
      );
      t.diagnostic(
        `HPA decided to scale out ${((decided - start) / 1000).toFixed(1)}s after the load started; ` +
          `${r.value?.ready ?? 0} replicas ready after ${r.seconds}s`,
      );
      assert.ok(r.ok, `did not scale out: ${r.value?.text ?? String(r.lastError)}`);
      // What VictoriaMetrics' rate says is what was sent: the load plus every pod's scrapes.
      const expected = (n: number) => LOAD + n / SCRAPE_SECONDS;
      const sent = await pollUntil(
        metricValues,
        (v) => v.length >= 2 && Math.abs(sum(v) - expected(v.length)) <= 0.2 * expected(v.length),
        { timeoutMs: 90_000, intervalMs: 3000 },
      );
      const v = sent.value ?? [];
      const shown = `${v.map((x) => x.toFixed(3)).join(' + ')} = ${sum(v).toFixed(3)} req/s`;
      t.diagnostic(`on ${v.length} pods: ${shown}, expected ${expected(v.length).toFixed(3)}`);
      assert.ok(sent.ok, `expected the load plus scrapes ±20%, got ${shown}`);
      const text = await kubectl('describe', 'hpa', 'sample-app');
      assert.match(text, /"http_requests" on pods:\s+\d+(\.\d+)?m? \/ 500m/);
      assert.match(text, /ScalingActive\s+True\s+ValidMetricFound/);
    });

    step('the load stops: the HPA scales back to 1', 5 * MIN, async (t) => {
      if (timeline === undefined) throw new Error('no load was started');
      await stopChild(load);
      load = undefined;
      timeline.note('load stopped');
      const r = await settlesAt(kubectl, 'sample-app', 1, {
        timeoutMs: 4 * MIN,
        holdMs: 10_000,
        timeline,
      });
      await noteRescales(kubectl, 'sample-app', timeline);
      for (const l of timeline.lines()) t.diagnostic(l);
      assert.ok(r.ok, `did not scale back to 1: ${r.value?.text ?? String(r.lastError)}`);
    });

    step('explain names the backend that answered: vm at its URL, no tenant', MIN, async () => {
      if (target === undefined || admin === undefined) throw new Error('not deployed');
      const url = `/debug/explain?path=${encodeURIComponent(METRIC)}&output=json`;
      const r = await directGet(target, url, { clientCert: admin });
      assert.equal(r.status, 200, r.text);
      const e = JSON.parse(r.text) as Explanation;
      assert.equal(e.rule?.seriesName, 'http_requests_total');
      assert.equal(e.answer.status, 200);
      const q = e.queries[0];
      assert.match(q?.promql ?? '', /\[1m\]\) keep_metric_names\) by \(pod\) default 0$/);
      assert.deepEqual(q?.backend, { name: 'vm', url: VM_URL });
      const metrics = await directGet(target, '/metrics', { clientCert: admin });
      assert.match(
        metrics.text,
        /^prometheus_adapter_backend_up\{backend="vm",url="http:\/\/localhost:8428"\} 1$/m,
      );
    });
  },
);
