/**
 * Thanos tenancy on real processes (issue 12 §3): two teams' Prometheus servers (Debian's)
 * remote-write what they scrape to one Thanos Receive, each as its own tenant; Thanos Query over
 * Receive's Store API enforces tenancy (`--query.enforce-tenancy`: every query gets a
 * `tenant_id="<THANOS-TENANT header>"` matcher); the compiled adapter has a backend whose
 * THANOS-TENANT is rendered from the request's namespace. Team B also writes series that claim
 * namespace team-a (an impostor), so only the tenant keeps A's answers A's. Skipped, with the
 * reason, when the Thanos binary is not cached (`npm run test:backends` builds it).
 *
 * The writers' tenant comes from their `tenant` external label (`--receive.split-tenant-label-name`),
 * not a remote_write header: Debian's Prometheus 2.42 parses `remote_write.headers` but never
 * sends them (checked against a listener), so a header would leave every sample in Receive's
 * default tenant.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polled, pollUntil } from '../support/poll.ts';
import { freePort } from '../support/processes.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import { createFakeKubeApi, type RunningFake } from '../support/fake-kube-api.ts';
import { startThanos, thanosSkip, type TestThanos } from '../support/thanos.ts';
import {
  TENANT_HEADER,
  queryAs,
  requestsByTenant,
  tenantDelta,
  type TenantAnswer,
} from '../support/thanos-tenancy.ts';
import {
  allowEveryAccessReview,
  kubeconfigFor,
  startAdapter,
  startSampleApp,
  waitListed,
  type RunningAdapter,
  type SampleApp,
} from '../integration/harness.ts';

const DEPTH = { 'team-a': 7, 'team-b': 13 } as const;
const TEAMS = ['team-a', 'team-b'] as const;
type Team = (typeof TEAMS)[number];
const OTHER: Record<Team, Team> = { 'team-a': 'team-b', 'team-b': 'team-a' };
const podsPath = (ns: Team, query = '') =>
  `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/queue_depth${query}`;
const ROOT_SCOPED = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/team-a/metrics/queue_depth';

interface MetricList {
  items: { describedObject: { name: string; namespace?: string }; value: string }[];
}
const values = (body: string) =>
  (JSON.parse(body) as MetricList).items.map(
    (i) => `${i.describedObject.namespace ?? ''}/${i.describedObject.name}=${i.value}`,
  );

const CONFIG = (url: string) =>
  [
    'backends:',
    '- name: thanos',
    `  urls: ["${url}"]`,
    `  tenant: {header: ${TENANT_HEADER}, template: "<<.Namespace>>"}`,
    '  tenants: [team-a, team-b]',
    'rules:',
    `- seriesQuery: 'queue_depth{namespace!="",pod!=""}'`,
    '  backend: thanos',
    '  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}',
    "  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
  ].join('\n');

describe(
  'a tenant backend on real Thanos Receive and Query (tenancy enforced)',
  {
    timeout: 240_000,
    skip: thanosSkip(),
  },
  () => {
    const apps: SampleApp[] = [];
    const proms: TestPrometheus[] = [];
    let receive: TestThanos | undefined;
    let query: TestThanos;
    let kube: RunningFake | undefined;
    let unused: RecordingProxy | undefined;
    let adapter: RunningAdapter | undefined;
    let dir = '';

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'k8spa-thanos-tenancy-'));
      for (const team of TEAMS) {
        const app = await startSampleApp('app-0');
        apps.push(app);
        const put = await fetch(`http://127.0.0.1:${app.port}/queue?depth=${DEPTH[team]}`, {
          method: 'PUT',
        });
        assert.equal(put.status, 200);
      }
      const [appA, appB] = apps as [SampleApp, SampleApp];
      const rw = await freePort();
      receive = await startThanos('receive', [
        '--tsdb.path=$DIR/tsdb',
        `--remote-write.address=127.0.0.1:${rw}`,
        '--label=receive_replica="0"',
        '--receive.split-tenant-label-name=tenant',
      ]);
      query = await startThanos('query', [
        `--endpoint.sd-config={endpoints: [{address: "${receive.grpc}"}]}`,
        '--query.enforce-tenancy',
      ]);
      const write = [`http://127.0.0.1:${rw}/api/v1/receive`];
      const target = (app: SampleApp, namespace: string) => ({
        address: `127.0.0.1:${app.port}`,
        labels: { namespace, pod: 'app-0' },
      });
      proms.push(await startPrometheus([target(appA, 'team-a')], { tenant: 'team-a' }, write));
      // Team B's own pod, and the impostor: B's series labelled as team-a's pod.
      const bTargets = [target(appB, 'team-b'), target(appB, 'team-a')];
      proms.push(await startPrometheus(bTargets, { tenant: 'team-b' }, write));
      const fake = createFakeKubeApi();
      for (const ns of TEAMS) fake.setPods(ns, [{ name: 'app-0', labels: { app: 'sample-app' } }]);
      fake.setNamespaces(TEAMS.map((name) => ({ name })));
      allowEveryAccessReview(fake);
      kube = await fake.start();
      await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(kube.url));
      await writeFile(join(dir, 'config.yaml'), CONFIG(query.url));
      // The flag-defined default backend: no rule uses it, so it must never be asked.
      unused = await startRecordingProxy(query.url);
      adapter = await startAdapter({ dir, prometheusUrl: unused.url }, [
        `--config=${join(dir, 'config.yaml')}`,
      ]);
    });
    after(async () => {
      await adapter?.stop();
      await unused?.stop();
      await kube?.stop();
      await Promise.allSettled([
        ...proms.map((p) => p.stop()),
        ...apps.map((a) => a.process.stop()),
      ]);
      await query?.stop();
      await receive?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('Thanos: the tenant header, not the namespace label, separates the teams', async () => {
      const [a, b] = polled(
        await pollUntil(
          () => Promise.all(TEAMS.map((team) => queryAs(query.url, 'queue_depth', team))),
          ([x, y]) => x?.result.length === 1 && y?.result.length === 2,
          { timeoutMs: 30_000, intervalMs: 500 },
        ),
        "both teams' series in Thanos",
      ) as [TenantAnswer, TenantAnswer];
      assert.deepEqual(
        a.result.map((s) => [s.metric['namespace'], s.metric['tenant_id'], s.value[1]]),
        [['team-a', 'team-a', '7']],
      );
      assert.deepEqual(
        b.result.map((s) => [s.metric['namespace'], s.metric['tenant_id'], s.value[1]]).sort(),
        [
          ['team-a', 'team-b', '13'],
          ['team-b', 'team-b', '13'],
        ],
      );
      // B's tenant asking for namespace team-a gets B's impostor series: only the tenant isolates.
      const spoof = await queryAs(query.url, 'queue_depth{namespace="team-a"}', 'team-b');
      assert.deepEqual(
        spoof.result.map((s) => s.value[1]),
        ['13'],
      );
      // A tenant_id matcher in the query is overwritten by the header's tenant, not obeyed.
      const relabel = await queryAs(query.url, 'queue_depth{tenant_id="team-b"}', 'team-a');
      assert.deepEqual(
        relabel.result.map((s) => [s.metric['tenant_id'], s.value[1]]),
        [['team-a', '7']],
      );
    });

    it('Thanos answers a request with no tenant as its default tenant: 200, empty', async () => {
      const none = await queryAs(query.url, 'queue_depth', undefined);
      assert.equal(none.http, 200, none.body);
      assert.equal(none.status, 'success');
      assert.deepEqual(none.result, [], 'no team data for default-tenant');
      const counted = await requestsByTenant(query.url, 'query');
      assert.ok((counted.get('default-tenant') ?? 0) >= 1, 'Thanos counted it as default-tenant');
    });

    it("the adapter answers each namespace with its own team's value", async () => {
      await waitListed(adapter!, 'pods/queue_depth');
      for (const team of TEAMS) {
        const r = polled(
          await pollUntil(
            () => adapter!.get(podsPath(team)),
            (x) => x.status === 200 && values(x.body).length === 1,
            { timeoutMs: 30_000, intervalMs: 300 },
          ),
          `${team} answered`,
        );
        assert.deepEqual(values(r.body), [`${team}/app-0=${DEPTH[team]}`]);
      }
    });

    it("a storm of A and B requests never crosses, even asking with the other team's tenant", async (t) => {
      const before = await requestsByTenant(query.url, 'query');
      const variants = (team: Team): [string, Record<string, string>][] => [
        [podsPath(team), {}],
        [podsPath(team), { [TENANT_HEADER]: OTHER[team] }],
        [podsPath(team, `?metricLabelSelector=tenant_id%3D${OTHER[team]}`), {}],
      ];
      const plan = Array.from({ length: 240 }, (_, i) => {
        const team: Team = i % 2 === 0 ? 'team-a' : 'team-b';
        const [path, headers] = variants(team)[Math.floor(i / 2) % 3]!;
        return { team, path, headers };
      });
      const t0 = performance.now();
      const answers = await Promise.all(plan.map((p) => adapter!.get(p.path, p.headers)));
      const ms = performance.now() - t0;
      const wrong = answers
        .map((r, i) => ({ r, p: plan[i]! }))
        .filter(
          ({ r, p }) =>
            r.status !== 200 || values(r.body).join() !== `${p.team}/app-0=${DEPTH[p.team]}`,
        )
        .map(({ r, p }) => `${p.path} ${JSON.stringify(p.headers)}: ${r.status} ${r.body}`);
      assert.deepEqual(wrong, [], `every answer is its own team's (${plan.length} in ${ms} ms)`);
      const sent = tenantDelta(before, await requestsByTenant(query.url, 'query'));
      assert.deepEqual(Object.keys(sent), ['team-a', 'team-b'], JSON.stringify(sent));
      assert.equal(unused!.queries.length, 0, 'the default backend was never asked');
      t.diagnostic(
        `${plan.length} concurrent requests in ${ms.toFixed(0)} ms; Thanos queries by tenant ${JSON.stringify(sent)}`,
      );
    });

    it('a root-scoped request (the Namespace object) with no defaultTenant is a 400', async () => {
      await waitListed(adapter!, 'namespaces/queue_depth');
      const before = await requestsByTenant(query.url, 'query');
      const r = await adapter!.get(ROOT_SCOPED);
      assert.equal(r.status, 400, r.body);
      const status = JSON.parse(r.body) as { kind: string; reason: string; message: string };
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'BadRequest');
      assert.match(
        status.message,
        /backend "thanos" chooses its THANOS-TENANT tenant by namespace/,
      );
      assert.deepEqual(tenantDelta(before, await requestsByTenant(query.url, 'query')), {});
    });
  },
);
