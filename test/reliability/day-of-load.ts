/**
 * A day of HPA load in minutes (issue 10, target 6): a fleet of HPAs (day-fleet.ts),
 * each HPA's request sent once per sync period (15 s ÷ `speedup`), open loop and evenly spread as
 * the controller's workers spread them, against our adapter as the image runs it, with relists
 * every 10 s. Every `sampleS` it records the adapter's RSS, its own `/metrics` (open fds, active
 * handles and timers, heap, event-loop lag) and the Prometheus queries and kube LIST calls made in
 * that window. Outcomes are counted by status. Used by `npm run soak:day` (30 minutes) and by the
 * short variant in day-of-load.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { allowEveryAccessReview, kubeconfigFor } from '../integration/harness.ts';
import { createFakeKubeApi, type RecordedRequest } from '../support/fake-kube-api.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { pollFor } from '../differential/stack.ts';
import { fleet, seedFleet, startFleetExporter, type FleetHpa } from './day-fleet.ts';
import {
  BENCH_CONFIG,
  launchAdapter,
  waitReady,
  type BenchAdapter,
} from '../bench/upstream-stack.ts';
import { rssMiB } from './rss.ts';
import { scrapeGauges, type DaySample, type DayOptions, type DayResult } from './day-stats.ts';

const SYNC_MS = 15_000;
/** The HPA controller's custom-metrics client waits this long (the kube-aggregator's proxy). */
const REQUEST_TIMEOUT_MS = 10_000;

interface Stack {
  readonly hpas: readonly FleetHpa[];
  readonly adapter: BenchAdapter;
  readonly lists: () => number;
  readonly queries: () => number;
  stop(): Promise<void>;
}

const startStack = async (o: DayOptions): Promise<Stack> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-day-'));
  const hpas = fleet(o.hpas, o.namespaces);
  const kube = createFakeKubeApi();
  seedFleet(kube, hpas);
  allowEveryAccessReview(kube);
  const kubeServer = await kube.start();
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(kubeServer.url));
  await writeFile(join(dir, 'adapter-config.yaml'), BENCH_CONFIG);
  const exporter = await startFleetExporter(hpas);
  const prometheus = await startPrometheus([{ address: `127.0.0.1:${exporter.port}`, labels: {} }]);
  const proxy = await startRecordingProxy(prometheus.url);
  o.progress?.(`fleet of ${String(hpas.length)} HPAs; Prometheus and the fake kube API up`);
  const adapter = await launchAdapter('ours', '', { dir, kubeconfig, prometheusUrl: proxy.url }, [
    '--metrics-relist-interval=10s',
    ...o.adapterFlags,
  ]);
  const isList = (r: RecordedRequest): boolean =>
    r.method === 'GET' && r.path.endsWith('/pods') && r.query['watch'] === undefined;
  const stop = async (): Promise<void> => {
    await adapter.stop();
    await Promise.allSettled([proxy.stop(), prometheus.stop(), exporter.stop(), kubeServer.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(adapter, 60_000);
    o.progress?.('adapter ready');
    const first = hpas[0];
    if (first === undefined) throw new Error('an empty fleet');
    await pollFor(
      'the first HPA served',
      async () => ((await adapter.get(first.path)).status === 200 ? true : undefined),
      120_000,
    );
  } catch (err) {
    await stop();
    throw new Error(`the stack did not come up:\n${adapter.proc.output().slice(-3000)}`, {
      cause: err,
    });
  }
  o.progress?.('the first HPA is served; load starts');
  return {
    hpas,
    adapter,
    lists: () => kube.requests.filter(isList).length,
    queries: () => proxy.queries.length,
    stop,
  };
};

/** Sends each HPA's request once per period, evenly spread, until `deadline`. */
const drive = async (
  stack: Stack,
  o: DayOptions,
  deadline: number,
  record: (status: string, ms: number) => void,
): Promise<void> => {
  const pool = new Pool(`https://127.0.0.1:${stack.adapter.port}`, {
    connections: 32,
    connect: { rejectUnauthorized: false },
  });
  const gapMs = SYNC_MS / o.speedup / stack.hpas.length;
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  let fired = 0;
  const fire = (h: FleetHpa): void => {
    const began = performance.now();
    const p = pool
      // An answer later than the HPA controller would wait counts as a failure (`timeout`).
      .request({ method: 'GET', path: h.path, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      .then(async (res) => {
        await res.body.text();
        record(String(res.statusCode), performance.now() - began);
      })
      .catch((err: unknown) => {
        const e = err as Error & { code?: string };
        const why = e.name === 'TimeoutError' ? 'timeout' : (e.code ?? String(err));
        record(why, performance.now() - began);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  while (performance.now() < deadline) {
    const due = Math.floor((performance.now() - t0) / gapMs);
    for (; fired < due; fired += 1) {
      const h = stack.hpas[fired % stack.hpas.length];
      if (h !== undefined) fire(h);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.allSettled([...inFlight]);
  await pool.close();
};

export const runDay = async (o: DayOptions): Promise<DayResult> => {
  const stack = await startStack(o);
  const samples: DaySample[] = [];
  const outcomes: Record<string, number> = {};
  let latencies: number[] = [];
  const record = (status: string, ms: number): void => {
    outcomes[status] = (outcomes[status] ?? 0) + 1;
    latencies.push(ms);
  };
  const pid = stack.adapter.proc.child.pid ?? 0;
  const started = performance.now();
  let lists = stack.lists();
  let queries = stack.queries();
  const sample = async (): Promise<void> => {
    const gauges = scrapeGauges((await stack.adapter.get('/metrics')).raw ?? '');
    const [l, q] = [stack.lists(), stack.queries()];
    samples.push({
      atS: (performance.now() - started) / 1000,
      rssMiB: rssMiB(pid),
      ...gauges,
      lists: l - lists,
      queries: q - queries,
      requests: latencies.length,
      latenciesMs: latencies,
    });
    [lists, queries, latencies] = [l, q, []];
    const last = samples.at(-1);
    if (last !== undefined)
      o.progress?.(
        `t=${last.atS.toFixed(0)}s ${String(last.requests)} requests, RSS ${last.rssMiB.toFixed(0)} MiB`,
      );
  };
  const sampler = setInterval(() => void sample().catch(() => undefined), o.sampleS * 1000);
  try {
    await drive(stack, o, started + o.seconds * 1000, record);
    await sample();
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
  return { options: o, outcomes, samples };
};
