/**
 * Thanos Query in front of an HA Prometheus pair, on real processes except the kube API (the fake
 * of test/support): two real Prometheus replicas whose external labels differ only in `replica`
 * scrape the same sample apps, each with a real Thanos sidecar; Thanos Query
 * (`--query.replica-label=replica`) reads both sidecars over gRPC; the compiled adapter's backend
 * `thanos` points at Query. The pods' `queue_depth` gauges are set to distinct values, so a value
 * doubled by an undeduplicated series shows. Then one replica (Prometheus and its sidecar) is
 * SIGKILLed while requests run back to back: every request still answers both pods with the same
 * values. Skipped, with the reason, when the Thanos binary is not cached (npm test never builds it;
 * `npm run test:backends` does).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polled, pollUntil } from '../support/poll.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import {
  healthySidecars,
  startThanos,
  thanosQuery,
  thanosSkip,
  type TestThanos,
} from '../support/thanos.ts';
import type { RunningFake } from '../support/fake-kube-api.ts';
import {
  fakeKubeFor,
  kubeconfigFor,
  startAdapter,
  startSampleApp,
  waitListed,
  type RunningAdapter,
  type SampleApp,
} from '../integration/harness.ts';

const PODS = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/queue_depth';
/** Each pod's queue depth: distinct, so a doubled or swapped value cannot pass. */
const DEPTHS: Readonly<Record<string, number>> = { 'sample-app-0': 7, 'sample-app-1': 13 };
const CONFIG = `backends:
- name: thanos
  urls: [QUERY]
rules:
- seriesQuery: 'queue_depth{namespace!="",pod!=""}'
  backend: thanos
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
`;

interface Replica {
  readonly prometheus: TestPrometheus;
  readonly sidecar: TestThanos;
}

/** `pod=value` of every item, sorted: what one answer says. */
const answerOf = (status: number, body: string): string => {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 200)}`;
  const items = (
    JSON.parse(body) as { items: { describedObject: { name: string }; value: string }[] }
  ).items;
  return items
    .map((i) => `${i.describedObject.name}=${i.value}`)
    .sort()
    .join(' ');
};
const EXPECTED = Object.entries(DEPTHS)
  .map(([pod, depth]) => `${pod}=${depth}`)
  .join(' ');

/** Thanos Query's `queue_depth`, deduplicated or not: `pod=value` of every series, sorted. */
const queryPods = async (query: TestThanos, dedup: boolean): Promise<string> =>
  (await thanosQuery(query.url, 'queue_depth', dedup))
    .map((r) => `${r.metric['pod'] ?? ''}=${r.value[1]}`)
    .sort()
    .join(' ');

describe(
  'Thanos Query over an HA Prometheus pair',
  { timeout: 180_000, skip: thanosSkip() },
  () => {
    let dir = '';
    let apps: SampleApp[] = [];
    let kube: RunningFake | undefined;
    const replicas: Replica[] = [];
    let query: TestThanos | undefined;
    let adapter: RunningAdapter | undefined;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'k8spa-thanos-ha-'));
      apps = await Promise.all(Object.keys(DEPTHS).map((name) => startSampleApp(name)));
      for (const app of apps) {
        const res = await fetch(`http://127.0.0.1:${app.port}/queue?depth=${DEPTHS[app.name]}`, {
          method: 'PUT',
        });
        assert.equal(res.status, 200);
      }
      const targets = apps.map((a) => ({
        address: `127.0.0.1:${a.port}`,
        labels: { namespace: 'default', pod: a.name },
      }));
      for (const replica of ['a', 'b']) {
        const prometheus = await startPrometheus(targets, { cluster: 'it', replica });
        const sidecar = await startThanos('sidecar', [
          `--prometheus.url=${prometheus.url}`,
          '--tsdb.path=$DIR',
        ]);
        replicas.push({ prometheus, sidecar });
      }
      query = await startThanos('query', [
        '--query.replica-label=replica',
        ...replicas.map((r) => `--endpoint=${r.sidecar.grpc}`),
      ]);
      kube = await fakeKubeFor(apps).start();
      await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(kube.url));
      await writeFile(join(dir, 'config.yaml'), CONFIG.replace('QUERY', query.url));
      adapter = await startAdapter({ dir, prometheusUrl: query.url }, [
        `--config=${join(dir, 'config.yaml')}`,
        // Every request reaches Thanos Query (no answer shared between requests).
        '--coalesce-window=0s',
      ]);
    });
    after(async () => {
      await adapter?.stop();
      await query?.stop();
      for (const r of replicas) await Promise.allSettled([r.sidecar.stop(), r.prometheus.stop()]);
      await kube?.stop();
      await Promise.allSettled(apps.map((a) => a.process.stop()));
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    it('answers each pod once, with the value one Prometheus has', async (t) => {
      assert.ok(adapter && query);
      const q = query;
      // Both replicas are behind Query: without deduplication every pod shows twice.
      const both = `${EXPECTED} ${EXPECTED}`.split(' ').sort().join(' ');
      polled(
        await pollUntil(
          () => queryPods(q, false),
          (s) => s === both,
          { timeoutMs: 30_000, intervalMs: 300 },
        ),
        'both replicas seen by Thanos Query (dedup=false)',
      );
      await waitListed(adapter, 'pods/queue_depth');
      const a = adapter;
      const r = await pollUntil(
        async () => {
          const res = await a.get(PODS);
          return answerOf(res.status, res.body);
        },
        (s) => s === EXPECTED,
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      assert.equal(r.value, EXPECTED, 'one value per pod, not doubled');
      const direct = (await replicas[0]!.prometheus.query('sum(queue_depth) by (pod)')) as {
        result: { metric: { pod: string }; value: [number, string] }[];
      };
      const one = direct.result
        .map((s) => `${s.metric.pod}=${s.value[1]}`)
        .sort()
        .join(' ');
      assert.equal(r.value, one, 'the adapter answers what replica a alone has');
      t.diagnostic(`adapter: ${r.value ?? ''}; replica a: ${one}`);
    });

    it('keeps answering while one replica is killed under load', async (t) => {
      assert.ok(adapter && query);
      const [a, q] = [adapter, query];
      const answers: string[] = [];
      let running = true;
      const loadStart = Date.now();
      const load = (async () => {
        while (running) {
          const res = await a.get(PODS).catch((err: unknown) => ({ status: 0, body: String(err) }));
          answers.push(answerOf(res.status, res.body));
        }
      })();
      const count = () => Promise.resolve(answers.length);
      polled(await pollUntil(count, (n) => n >= 20, { timeoutMs: 20_000, intervalMs: 20 }), 'load');
      const started = Date.now();
      t.diagnostic(
        `${answers.length} requests before the kill in ${((started - loadStart) / 1000).toFixed(1)} s`,
      );
      const first = answers.length;
      const victim = replicas[0]!;
      await Promise.all([victim.prometheus.kill(), victim.sidecar.kill()]);
      const killedAt = answers.length;
      // Requests go on until Query has noticed the dead sidecar, then 50 more.
      const noticed = polled(
        await pollUntil(
          () => healthySidecars(q.url),
          (n) => n === 1,
          { timeoutMs: 60_000, intervalMs: 200 },
        ),
        'Thanos Query marks the killed sidecar unhealthy',
      );
      const seenAt = answers.length;
      const noticedMs = Date.now() - started;
      polled(
        await pollUntil(count, (n) => n >= seenAt + 50, { timeoutMs: 60_000, intervalMs: 50 }),
        '50 requests after Query noticed',
      );
      running = false;
      await load;
      const fromKill = answers.slice(first);
      const wrong = fromKill.filter((s) => s !== EXPECTED);
      t.diagnostic(
        `${fromKill.length} requests from the kill on (${answers.length - killedAt} after it, ` +
          `${answers.length - seenAt} after Query noticed it ${(noticedMs / 1000).toFixed(1)} s ` +
          `after the kill; ${noticed} store healthy) in ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s; ${wrong.length} failed`,
      );
      assert.deepEqual(wrong, [], `every answer ${EXPECTED}`);
    });
  },
);
