// End-to-end (issue 10, target 3): the real HPA controller (kube-controller-manager, HPA sync
// every 5 s here) driving FLEET HPAs, each on its own Deployment (one busybox `sleep` pod each),
// against our adapter in the cluster with its defaults (batching and object caches on). The
// adapter's Prometheus is a real one on the host behind the counting proxy, scraping an exporter
// of a counter per fleet pod (each at its own constant rate). Asserted over a measured minute:
// Prometheus instant queries per 15 s ≤ 10, namespaced pod LISTs at the kube-apiserver 0, and
// every HPA's currentMetrics value equal to its own per-HPA query's answer.
// Its own cluster (slot 14), always torn down. Needs root; skips otherwise (and with SKIP_E2E=1).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { pollUntil } from '../support/poll.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  stepRunner,
  waitApiServicesAvailable,
} from './local-cluster.ts';
import {
  adapterMetricsReader,
  apiserverMetrics,
  deployAdapter,
  deployFleet,
  FLEET_NS,
  perHpaPromql,
  rateOf,
  startFleetExporter,
  sumSeries,
} from './hpa-fleet-cluster.ts';

const FLEET = Number(process.env['E2E_HPA_FLEET'] ?? '200');
const ENV = e2eClusterEnv(14);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const BRIDGE_IP = `${ENV.K8S_PA_POD_NET ?? ''}.1`;
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const MIN = 60_000;
const MEASURE_MS = 60_000;
/** One milli-unit, the wire's resolution, plus float noise. */
const MILLI = 1.0001e-3;
const API_SERVICES = ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'];

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);

interface Hpa {
  metadata: { name: string };
  status: { currentMetrics?: { pods?: { current: { averageValue?: string } } }[] };
}
interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase?: string };
}

const hpas = async (): Promise<Hpa[]> =>
  (JSON.parse(await kubectl('-n', FLEET_NS, 'get', 'hpa', '-o', 'json')) as { items: Hpa[] }).items;
const valueOf = (h: Hpa): string | undefined =>
  h.status.currentMetrics?.[0]?.pods?.current.averageValue;

describe(
  `${FLEET} HPAs driven by the real HPA controller`,
  { skip: e2eSkipReason() ?? false, timeout: 40 * MIN },
  () => {
    const { step, failed } = stepRunner();
    let exporter: Awaited<ReturnType<typeof startFleetExporter>> | undefined;
    let prometheus: TestPrometheus | undefined;
    let proxy: RecordingProxy | undefined;
    /** HPA name → its pod's name. */
    const podOf = new Map<string, string>();

    before(() => freshCluster(ENV), { timeout: 45 * MIN });

    after(
      async () => {
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'apiservices', ...API_SERVICES),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '--tail=40'),
            kubectl('-n', FLEET_NS, 'describe', 'hpa', 'hpa-0'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
        await Promise.allSettled([proxy?.stop(), prometheus?.stop(), exporter?.stop()]);
      },
      { timeout: 3 * MIN },
    );

    step(
      'Prometheus on the host behind the counting proxy; the adapter in the cluster',
      5 * MIN,
      async () => {
        exporter = await startFleetExporter();
        prometheus = await startPrometheus([{ address: `127.0.0.1:${exporter.port}`, labels: {} }]);
        proxy = await startRecordingProxy(prometheus.url, BRIDGE_IP);
        await deployAdapter(kubectl, REPO_ROOT, DIR, proxy.url);
      },
    );

    step('the APIServices become Available=True', 3 * MIN, async (t) => {
      await waitApiServicesAvailable(t, kubectl, API_SERVICES, 2 * MIN);
    });

    step(`${FLEET} Deployments of one pod each, and an HPA on each`, 20 * MIN, async (t) => {
      await deployFleet(kubectl, DIR, FLEET);
      const r = await pollUntil(
        async () =>
          (
            JSON.parse(await kubectl('-n', FLEET_NS, 'get', 'pods', '-o', 'json')) as {
              items: Pod[];
            }
          ).items.filter((p) => p.status.phase === 'Running'),
        (pods) => pods.length === FLEET,
        { timeoutMs: 18 * MIN, intervalMs: 5000 },
      );
      t.diagnostic(`${r.value?.length ?? 0} pods running after ${r.seconds}s`);
      assert.equal(r.value?.length, FLEET, 'every fleet pod running');
      for (const p of r.value ?? []) podOf.set(p.metadata.labels?.['app'] ?? '', p.metadata.name);
      exporter?.setPods(
        Array.from({ length: FLEET }, (_, i) => ({
          pod: podOf.get(`hpa-${i}`) ?? '',
          rate: rateOf(i),
        })),
      );
    });

    step(
      'every HPA reads its metric (the controller and the adapter warmed up)',
      6 * MIN,
      async (t) => {
        const r = await pollUntil(
          hpas,
          (all) => all.length === FLEET && all.every((h) => valueOf(h) !== undefined),
          {
            timeoutMs: 5 * MIN,
            intervalMs: 5000,
          },
        );
        t.diagnostic(`all ${FLEET} HPAs have a current value after ${r.seconds}s`);
        assert.ok(
          r.ok,
          `HPAs without a value: ${(r.value ?? []).filter((h) => valueOf(h) === undefined).length}`,
        );
      },
    );

    step(
      'a measured minute: queries per 15 s ≤ 10, no pod LIST, values = per-HPA queries',
      5 * MIN,
      async (t) => {
        const lists = { verb: 'LIST', resource: 'pods', group: '' };
        const adapterMetrics = await adapterMetricsReader(kubectl, DIR);
        const read = async () => {
          const [api, adapter] = await Promise.all([apiserverMetrics(kubectl), adapterMetrics()]);
          return {
            at: Date.now(),
            queries: proxy?.queries.length ?? 0,
            nsLists: sumSeries(api, 'apiserver_request_total', { ...lists, scope: 'namespace' }),
            allLists: sumSeries(api, 'apiserver_request_total', lists),
            served: sumSeries(adapter, 'prometheus_adapter_api_requests_total', {
              group: 'custom.metrics.k8s.io',
              code: '200',
            }),
            batches: sumSeries(adapter, 'prometheus_adapter_batch_queries_total', {}),
            joined: sumSeries(adapter, 'prometheus_adapter_batch_joined_total', {}),
            fallbacks: sumSeries(adapter, 'prometheus_adapter_batch_fallback_total', {}),
          };
        };
        const before = await read();
        // A measurement, not a wait for a condition: the controller's traffic over a fixed time.
        await new Promise((r) => setTimeout(r, MEASURE_MS));
        const after = await read();
        const d = (k: Exclude<keyof typeof before, 'at'>) => after[k] - before[k];
        const seconds = (after.at - before.at) / 1000;
        const per15 = (n: number) => (n * 15) / seconds;
        t.diagnostic(
          `over ${seconds.toFixed(1)} s: ${d('served')} custom metrics requests answered 200 ` +
            `(${per15(d('served')).toFixed(1)} per 15 s; upstream: one query and one LIST each), ` +
            `${d('queries')} Prometheus queries (${per15(d('queries')).toFixed(2)} per 15 s; ` +
            `batches ${d('batches')}, joined ${d('joined')}, own queries ${d('fallbacks')}), ` +
            `pod LISTs: ${d('nsLists')} namespaced, ${d('allLists')} in all (any client)`,
        );
        const queries = d('queries');
        const nsLists = d('nsLists');
        assert.ok(d('served') >= FLEET, `the controller asked for every HPA at least once`);
        assert.ok(per15(queries) <= 10, `${per15(queries)} queries per 15 s`);
        assert.equal(nsLists, 0, 'no namespaced pod LIST');

        const all = await hpas();
        let compared = 0;
        const wrong: string[] = [];
        for (const h of all) {
          const pod = podOf.get(h.metadata.name) ?? '';
          const own = await prometheus?.query(perHpaPromql(pod));
          const want = Number(
            (own as { result: { value: [number, string] }[] } | undefined)?.result[0]?.value[1],
          );
          const got = parseQuantity(valueOf(h) ?? 'NaN');
          compared++;
          // Within one milli-unit: the Quantity on the wire truncates to it (as upstream's does).
          if (!(Math.abs(got - want) <= MILLI)) {
            wrong.push(`${h.metadata.name}: HPA ${got}, own query ${want}`);
          }
        }
        t.diagnostic(
          `${compared} HPA values compared with their own query: ${wrong.length} differ`,
        );
        assert.deepEqual(wrong, []);
      },
    );
  },
);
