// End-to-end: Thanos tenancy (issue 12 §3) on a local cluster (slot 15: its own state dir, ports,
// bridge k8spa15, 10.244.150.0/24). Teams A and B each run the sample app, its HPA and their own
// Prometheus remote-writing to one Thanos Receive as their tenant; Thanos Query enforces tenancy;
// the adapter sends each request's namespace as THANOS-TENANT. Only team A's app gets load: A
// scales out on its own data while B, reading its own data, stays at 1. Always torn down. Needs
// root and the cached Thanos binary (scripts/backends/build-thanos.sh); skips, saying why, otherwise.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
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
import { scaleState } from './hpa-timeline.ts';
import { kubectlJson } from './metrics-apis-cluster.ts';
import {
  deployThanosTenancy,
  TEAMS,
  thanosAddresses,
  type Team,
} from './thanos-tenancy-cluster.ts';
import { createTimeline } from './timeline.ts';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { pollUntil } from '../support/poll.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { thanosSkip } from '../support/thanos.ts';
import { queryAs } from '../support/thanos-tenancy.ts';

const ENV = e2eClusterEnv(15);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const IP = thanosAddresses(ENV.K8S_PA_SERVICE_NET ?? '');
const QUERY = `http://${IP.query}:9090`;
const MIN = 60_000;
/** Prometheus scrapes each pod every 5 s, and the sample app counts the scrape. */
const SCRAPES = 1 / 5;
/**
 * curls/s on team A's Service. Against 500m per pod: at 1 pod 1.2 req/s wants 3 pods; at 3 pods
 * each serves 0.53 (inside the HPA's 10% tolerance), so A rests at 3 (4 if it overshoots: 0.45).
 */
const LOAD = 1.0;
const OUT_TO = 3;

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const metricPath = (team: Team) =>
  `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${team}/pods/*/http_requests`;
const metricValues = async (team: Team): Promise<number[]> =>
  (
    await kubectlJson<{ items: { value: string }[] }>(kubectl, 'get', '--raw', metricPath(team))
  ).items.map((i) => parseQuantity(i.value));

/** A team's sample-app replicas and what its HPA currently reads. */
const scaleOf = (team: Team) =>
  scaleState((...args: string[]) => kubectl('-n', team, ...args), 'sample-app');
const why = (e: unknown) => (e instanceof Error ? e.message : '');
const print = (t: TestContext, lines: readonly string[]) => {
  for (const line of lines) t.diagnostic(line);
};

describe(
  'Thanos tenancy on a local cluster: each team scales on its own data',
  { skip: e2eSkipReason() ?? thanosSkip(), timeout: 30 * MIN },
  () => {
    let load: ChildProcess | undefined;
    const { step, failed } = stepRunner();

    before(() => freshCluster(ENV), { timeout: 20 * MIN });
    after(
      async () => {
        await stopChild(load);
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices,hpa', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
            kubectl('-n', 'thanos', 'logs', 'deploy/thanos-receive', '--tail=20'),
            kubectl('-n', 'thanos', 'logs', 'deploy/thanos-query', '--tail=20'),
            ...TEAMS.map((team) => kubectl('-n', team, 'describe', 'hpa', 'sample-app')),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    step('deploys Thanos, both teams and the adapter with kubectl', 4 * MIN, async () => {
      await deployThanosTenancy(kubectl, { repo: REPO_ROOT, dir: DIR, ip: IP });
    });

    step('the custom metrics APIService becomes Available', 3 * MIN, async (t) => {
      const names = ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'];
      await waitApiServicesAvailable(t, kubectl, names, 2 * MIN);
    });

    step(
      'Thanos Query: each tenant sees only its team; no tenant sees nothing',
      3 * MIN,
      async (t) => {
        const seen = async () =>
          Promise.all(
            [...TEAMS, undefined].map(async (tenant) => {
              const r = await queryAs(QUERY, 'count by (namespace) (http_requests_total)', tenant);
              return `${tenant ?? '(none)'}: ${r.status} ${r.result.map((s) => s.metric['namespace']).join(',')}`;
            }),
          );
        const want = ['team-a: success team-a', 'team-b: success team-b', '(none): success '];
        const r = await pollUntil(seen, (s) => s.join('|') === want.join('|'), {
          timeoutMs: 2 * MIN,
          intervalMs: 3000,
        });
        t.diagnostic(`after ${r.seconds}s: ${(r.value ?? []).join(' | ')}`);
        assert.deepEqual(r.value, want, why(r.lastError));
      },
    );

    step('the aggregator serves each namespace its own metric, at rest', 3 * MIN, async (t) => {
      for (const team of TEAMS) {
        const r = await pollUntil(
          () => metricValues(team),
          (v) => v.length === 1,
          {
            timeoutMs: 2 * MIN,
            intervalMs: 3000,
          },
        );
        t.diagnostic(`${team} after ${r.seconds}s: ${(r.value ?? []).join(', ')}`);
        assert.equal(r.value?.length, 1, `${team}: ${why(r.lastError)} ${JSON.stringify(r.value)}`);
        assert.ok((r.value?.[0] ?? 1) < 2.5 * SCRAPES, `${team} at rest: ${r.value?.join()}`);
      }
    });

    step(`${LOAD} curl/s on team A only: A scales out, B stays at 1`, 5 * MIN, async (t) => {
      const ip = (
        await kubectl(
          '-n',
          'team-a',
          'get',
          'service',
          'sample-app',
          '-o',
          'jsonpath={.spec.clusterIP}',
        )
      ).trim();
      const timeline = createTimeline(Date.now());
      load = startCurlLoad(REPO_ROOT, LOAD, `http://${ip}/metrics`);
      timeline.note(`load ${LOAD} curl/s on team-a's sample-app (${ip})`);
      let since = 0;
      let last = '';
      const bSeen: string[] = [];
      let bMax = 1;
      const r = await pollUntil(
        async () => ({ a: await scaleOf('team-a'), b: await scaleOf('team-b') }),
        ({ a }) => {
          const at = a.desired >= OUT_TO && a.ready === a.desired;
          since = at ? since || Date.now() : 0;
          return at && Date.now() - since >= 15_000;
        },
        {
          timeoutMs: 4 * MIN,
          intervalMs: 2000,
          onTick: ({ a, b }) => {
            bMax = Math.max(bMax, b.desired);
            if (b.seen !== 'no metric') bSeen.push(b.seen);
            const s = `A ${a.ready}/${a.desired} reads ${a.seen}; B ${b.ready}/${b.desired} reads ${b.seen}`;
            if (s.replace(/reads \S+/g, '') !== last) timeline.note(s);
            last = s.replace(/reads \S+/g, '');
          },
        },
      );
      const a = r.value?.a;
      assert.ok(r.ok, `A did not hold >= ${OUT_TO} replicas: ${JSON.stringify(r.value)}`);
      assert.equal(bMax, 1, 'B never scaled');
      assert.ok(bSeen.length > 0, "B's HPA read its metric");
      assert.ok(
        bSeen.every((v) => parseQuantity(v) < 0.5),
        `B read only its own (idle) data: ${[...new Set(bSeen)].join(', ')}`,
      );
      // Every A replica reports once scraped twice and relisted; together they carry the load.
      const expected = LOAD + (a?.desired ?? 0) * SCRAPES;
      const near = (v: readonly number[]) =>
        v.length === a?.desired &&
        Math.abs(v.reduce((x, y) => x + y, 0) - expected) <= 0.3 * expected;
      const all = await pollUntil(() => metricValues('team-a'), near, {
        timeoutMs: 90_000,
        intervalMs: 3000,
      });
      const shown = (all.value ?? []).map((v) => v.toFixed(3)).join(' + ');
      timeline.note(`team-a's ${all.value?.length ?? 0} pods read ${shown} req/s`);
      print(t, timeline.lines());
      assert.ok(
        all.ok,
        `A's pods read ${shown}, expected ${a?.desired} summing to ${expected.toFixed(3)} ±30%`,
      );
    });
  },
);
