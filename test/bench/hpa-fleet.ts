/**
 * The HPA fleet rows of `npm run bench:upstream` (issue 10, target 3): `hpas` HPAs, each on its own
 * Deployment (distinct selectors `app=hpa-<i>`, one pod `pod-<i>` each), replayed as the HPA
 * controller sends them: one `GET custom.metrics.k8s.io/v1beta2 …/pods/(*)/http_requests
 * ?labelSelector=app%3Dhpa-<i>` per HPA per sync period, HPA i due at i/hpas of the period, taken
 * in due order by `workers` workers (kube-controller-manager's 5 HPA sync workers). Prometheus
 * (real, scraping one exporter of a counter per pod) sits behind the counting proxy; the fake kube
 * API records every LIST. After one warm-up period, `syncs` periods are measured: queries at
 * Prometheus and pod LISTs per period, requests answered, and — for ours — every HPA's value
 * against its own per-HPA query evaluated by Prometheus at the answer's timestamp.
 */
import { Agent, request } from 'node:https';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { allowEveryAccessReview, kubeconfigFor } from '../integration/harness.ts';
import { createFakeKubeApi } from '../support/fake-kube-api.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { BENCH_CONFIG, launchAdapter, waitReady, type Which } from './upstream-stack.ts';
import { startExporter } from './hpa-load.ts';

export interface FleetSizes {
  readonly hpas: number;
  readonly periodMs: number;
  readonly syncs: number;
  readonly workers: number;
}

export interface FleetRun {
  readonly which: Which;
  /** Per measured period. */
  readonly queriesPerSync: number;
  readonly listsPerSync: number;
  readonly answeredPerSync: number;
  readonly failed: number;
  /** HPAs (of the last measured period) whose value differs from their own query's; ours only. */
  readonly mismatches: number | undefined;
  readonly compared: number;
}

export const fleetPath = (i: number): string =>
  `/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests?labelSelector=${encodeURIComponent(`app=hpa-${i}`)}`;

/** The query an HPA's request makes on its own (upstream's and ours without batching). */
export const perHpaPromql = (i: number): string =>
  `sum(rate(http_requests_total{namespace="default",pod=~"pod-${i}"}[1m])) by (pod)`;

interface Answer {
  readonly hpa: number;
  readonly status: number;
  readonly value?: number;
  readonly timestamp?: string;
}

const getJson = (
  agent: Agent,
  port: number,
  path: string,
): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, rejectUnauthorized: false, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });

const ask = async (agent: Agent, port: number, hpa: number): Promise<Answer> => {
  try {
    const { status, body } = await getJson(agent, port, fleetPath(hpa));
    if (status !== 200) return { hpa, status };
    const item = (JSON.parse(body) as { items?: { value: string; timestamp: string }[] })
      .items?.[0];
    return item === undefined
      ? { hpa, status: 0 }
      : { hpa, status, value: parseQuantity(item.value), timestamp: item.timestamp };
  } catch {
    return { hpa, status: 0 };
  }
};

/**
 * One period of the controller: HPA i is due at `start + i/hpas × period`; `workers` workers take
 * due HPAs in order (a late worker takes the next due one at once, as the work queue does).
 */
const replayPeriod = async (
  sizes: FleetSizes,
  send: (hpa: number) => Promise<Answer>,
): Promise<Answer[]> => {
  const start = performance.now();
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sizes.hpas) {
      const hpa = next++;
      const due = start + (hpa / sizes.hpas) * sizes.periodMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      answers.push(await send(hpa));
    }
  };
  await Promise.all(Array.from({ length: sizes.workers }, worker));
  const rest = start + sizes.periodMs - performance.now();
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  return answers;
};

/** Tolerance: one milli-unit (Quantities on the wire truncate to it, as upstream's), plus float noise. */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1.0001e-3;

export interface FleetStack {
  readonly dir: string;
  readonly upstreamBin: string;
}

export const runFleet = async (stack: FleetStack, sizes: FleetSizes): Promise<FleetRun[]> => {
  const kube = createFakeKubeApi();
  kube.setPods(
    'default',
    Array.from({ length: sizes.hpas }, (_, i) => ({
      name: `pod-${i}`,
      labels: { app: `hpa-${i}` },
    })),
  );
  kube.setNamespaces([{ name: 'default' }]);
  allowEveryAccessReview(kube);
  const server = await kube.start();
  const kubeconfig = join(stack.dir, `fleet-${sizes.hpas}-kubeconfig`);
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  await writeFile(join(stack.dir, 'adapter-config.yaml'), BENCH_CONFIG);
  const exporter = await startExporter(sizes.hpas);
  const prometheus = await startPrometheus([{ address: `127.0.0.1:${exporter.port}`, labels: {} }]);
  const proxy = await startRecordingProxy(prometheus.url);
  const runs: FleetRun[] = [];
  try {
    for (const which of ['upstream', 'ours'] as const) {
      // Upstream's default client limits (5 LIST/s) cannot serve a sync of 1,000 HPAs in 15 s at
      // all: it runs with them lifted, one LIST and one query per request.
      const extra = [
        '--metrics-relist-interval=30s',
        ...(which === 'upstream' ? ['--client-qps=1000000', '--client-burst=1000000'] : []),
      ];
      const adapter = await launchAdapter(
        which,
        stack.upstreamBin,
        { dir: stack.dir, kubeconfig, prometheusUrl: proxy.url },
        extra,
      );
      const agent = new Agent({ keepAlive: true, maxSockets: sizes.workers });
      try {
        await waitReady(adapter, 60_000);
        const send = (hpa: number) => ask(agent, adapter.port, hpa);
        // The metric is listed once the first relist is in; then one warm-up period.
        for (let i = 0; i < 600 && (await send(0)).status !== 200; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        await replayPeriod(sizes, send);
        const queries0 = proxy.queries.length;
        kube.clearRequests();
        let last: Answer[] = [];
        let answered = 0;
        let failed = 0;
        for (let s = 0; s < sizes.syncs; s++) {
          last = await replayPeriod(sizes, send);
          answered += last.filter((a) => a.status === 200).length;
          failed += last.filter((a) => a.status !== 200).length;
        }
        const lists = kube.requests.filter(
          (r) => r.method === 'GET' && /\/pods$/.test(r.path) && r.query['watch'] !== 'true',
        ).length;
        const queries = proxy.queries.length - queries0;
        const compared = which === 'ours' ? await compare(prometheus.url, last) : undefined;
        runs.push({
          which,
          queriesPerSync: queries / sizes.syncs,
          listsPerSync: lists / sizes.syncs,
          answeredPerSync: answered / sizes.syncs,
          failed,
          mismatches: compared?.mismatches,
          compared: compared?.compared ?? 0,
        });
      } finally {
        agent.destroy();
        await adapter.stop();
      }
    }
  } finally {
    await Promise.allSettled([proxy.stop(), prometheus.stop(), exporter.stop(), server.stop()]);
  }
  return runs;
};

/** Each answer against its HPA's own query, asked of Prometheus directly at the answer's time. */
const compare = async (
  prometheusUrl: string,
  answers: readonly Answer[],
): Promise<{ mismatches: number; compared: number }> => {
  let mismatches = 0;
  let compared = 0;
  for (const a of answers) {
    if (a.value === undefined || a.timestamp === undefined) continue;
    const time = Date.parse(a.timestamp) / 1000;
    const url = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(perHpaPromql(a.hpa))}&time=${time}`;
    const doc = (await (await fetch(url)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    const own = Number(doc.data.result[0]?.value[1]);
    compared++;
    if (!close(a.value, own)) mismatches++;
  }
  return { mismatches, compared };
};
