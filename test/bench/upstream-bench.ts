/**
 * `npm run bench:upstream`: upstream prometheus-adapter v0.12.0 and ours, side by side in one run,
 * one adapter at a time (the machine has two cores):
 * - the HPA request (`pods/*` over `pods` pods, real Prometheus, fake kube API) with defaults and
 *   with the client limits lifted, beside Prometheus queried directly; RSS after the load;
 * - the HPA fleet (hpa-fleet.ts): 1,000 or 5,000 HPAs on their own Deployments, the HPA
 *   controller's requests replayed per sync: Prometheus queries and pod LISTs per sync;
 * - discovery of `names × pods` series from the generated `/api/v1/series` (series-server.ts):
 *   seconds from start until every metric is listed, peak RSS, RSS after two more relists.
 * Prints one table; the figures are this run's, the ratio is ours ÷ upstream's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrometheus } from '../support/prometheus-server.ts';
import { pollFor } from '../differential/stack.ts';
import {
  fullWindow,
  HPA_PATH,
  hpaPromql,
  load,
  startExporter,
  type LoadResult,
} from './hpa-load.ts';
import { startSeriesServer } from './series-server.ts';
import { interleavedRatio, sequentialLatency, type Target } from './direct-ratio.ts';
import { runFleet } from './hpa-fleet.ts';
import {
  launchAdapter,
  listedCount,
  startBenchKube,
  waitReady,
  type BenchAdapter,
  type Which,
} from './upstream-stack.ts';

export interface UpstreamBenchSizes {
  readonly pods: number;
  readonly seconds: number;
  readonly connections: number;
  /** Discovery runs: metric names × pods each. */
  readonly discovery: readonly { readonly names: number; readonly pods: number }[];
  /** How long an adapter may take to list every metric before it is reported unfinished. */
  readonly listTimeoutS: number;
  /** Rounds of (direct, adapter) slices for the interleaved ratio, seconds per slice. */
  readonly rounds: number;
  readonly sliceSeconds: number;
  /** Requests one at a time for the latency rows. */
  readonly sequential: number;
  /**
   * Samples per series the query's `[1m]` window must hold before any HPA row is measured (1 s
   * scrapes: up to 60). Prometheus's cost per query grows with them, so a baseline measured
   * seconds after start would be cheaper than at steady state. 0 measures at once (smoke run).
   */
  readonly windowSamples: number;
  /** HPA fleet runs (hpa-fleet.ts): HPAs each, replayed over `period`, measured for `syncs`. */
  readonly fleet?: {
    readonly hpas: readonly number[];
    readonly periodMs: number;
    readonly syncs: number;
  };
}

/** One printed row: a figure per adapter (undefined: not measured, with `note`). */
export interface Row {
  readonly what: string;
  readonly upstream: number | undefined;
  readonly ours: number | undefined;
  readonly note?: string;
}

interface Setup {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly upstreamBin: string;
}

const ADAPTERS: readonly Which[] = ['upstream', 'ours'];

/** Lifted client limits: upstream applies --client-qps/--client-burst only when > 0. */
const LIFTED: Readonly<Record<Which, readonly string[]>> = {
  upstream: ['--client-qps=1000000', '--client-burst=1000000'],
  ours: ['--client-qps=-1', '--coalesce-window=0', '--batch-window=0', '--object-cache=false'],
};

const withAdapter = async <T>(
  which: Which,
  setup: Setup,
  prometheusUrl: string,
  extra: readonly string[],
  body: (a: BenchAdapter) => Promise<T>,
): Promise<T> => {
  const adapter = await launchAdapter(which, setup.upstreamBin, { ...setup, prometheusUrl }, extra);
  try {
    return await body(adapter);
  } finally {
    await adapter.stop();
  }
};

interface HpaRun extends LoadResult {
  readonly rssMb: number;
  readonly anonMb: number;
  /** With defaults only: the interleaved ratio to Prometheus direct, and latency one at a time. */
  readonly interleaved?: number;
  readonly seqP50?: number;
  readonly seqP99?: number;
}

/** Load on one adapter once it serves every pod; its RSS right after; then the direct ratios. */
const hpaRun = async (
  adapter: BenchAdapter,
  sizes: UpstreamBenchSizes,
  direct: Target | undefined,
): Promise<HpaRun> => {
  await waitReady(adapter, 60_000);
  let last: unknown;
  await pollFor(
    `${adapter.which} serves ${sizes.pods} pods`,
    async () => {
      const a = await adapter.get(HPA_PATH);
      last = a;
      return a.status === 200 && (a.body as { items: unknown[] }).items.length === sizes.pods
        ? true
        : undefined;
    },
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${JSON.stringify(last)}\n${adapter.proc.output().slice(-3000)}`, {
      cause: err,
    });
  });
  const url = `https://127.0.0.1:${adapter.port}${HPA_PATH}`;
  const result = await load(url, true, sizes.connections, sizes.seconds);
  const { rssMb, anonMb } = await adapter.memory();
  if (direct === undefined) return { ...result, rssMb, anonMb };
  const target = { url, tls: true };
  const {
    ratio,
    direct: d,
    adapter: a,
  } = await interleavedRatio(direct, target, sizes.rounds, sizes.sliceSeconds, sizes.connections);
  process.stderr.write(
    `${adapter.which}: interleaved req/s: direct ${JSON.stringify(d)}, adapter ${JSON.stringify(a)}, ratio ${JSON.stringify(ratio)}\n`,
  );
  const seq = await sequentialLatency(target, sizes.sequential);
  return { ...result, rssMb, anonMb, interleaved: ratio.median, seqP50: seq.p50, seqP99: seq.p99 };
};

const hpaRows = async (setup: Setup, sizes: UpstreamBenchSizes): Promise<Row[]> => {
  const exporter = await startExporter(sizes.pods);
  const prometheus = await startPrometheus([{ address: `127.0.0.1:${exporter.port}`, labels: {} }]);
  try {
    const promql = hpaPromql(sizes.pods);
    await prometheus.query(promql);
    await fullWindow(prometheus, sizes.windowSamples);
    const directUrl = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`;
    const direct = await load(directUrl, false, sizes.connections, sizes.seconds);
    const directSeq = await sequentialLatency({ url: directUrl, tls: false }, sizes.sequential);
    const runs: Record<string, Partial<Record<Which, HpaRun>>> = {};
    for (const mode of ['defaults', 'lifted'] as const) {
      runs[mode] = {};
      for (const which of ADAPTERS) {
        const extra = ['--metrics-relist-interval=2s', ...(mode === 'lifted' ? LIFTED[which] : [])];
        const baseline = mode === 'defaults' ? { url: directUrl, tls: false } : undefined;
        runs[mode][which] = await withAdapter(which, setup, prometheus.url, extra, (a) =>
          hpaRun(a, sizes, baseline),
        );
      }
    }
    const { defaults = {}, lifted = {} } = runs;
    const what = `HPA pods/* over ${sizes.pods} pods, ${sizes.connections} connections`;
    return [
      {
        what: `${what}: Prometheus direct req/s (both columns)`,
        upstream: direct.rps,
        ours: direct.rps,
      },
      {
        what: `${what}, defaults: req/s`,
        upstream: defaults.upstream?.rps,
        ours: defaults.ours?.rps,
      },
      {
        what: `${what}, defaults: p99 ms`,
        upstream: defaults.upstream?.p99,
        ours: defaults.ours?.p99,
      },
      {
        what: `${what}, defaults: req/s ÷ Prometheus direct`,
        upstream: (defaults.upstream?.rps ?? NaN) / direct.rps,
        ours: (defaults.ours?.rps ?? NaN) / direct.rps,
      },
      {
        what: `${what}, defaults: req/s ÷ Prometheus direct, interleaved (median of ${sizes.rounds} rounds of ${sizes.sliceSeconds} s slices)`,
        upstream: defaults.upstream?.interleaved,
        ours: defaults.ours?.interleaved,
      },
      {
        what: 'one request at a time, warm: Prometheus direct p50 ms (both columns)',
        upstream: directSeq.p50,
        ours: directSeq.p50,
      },
      {
        what: 'one request at a time, warm, defaults: p50 ms',
        upstream: defaults.upstream?.seqP50,
        ours: defaults.ours?.seqP50,
      },
      {
        what: 'one request at a time, warm, defaults: p99 ms',
        upstream: defaults.upstream?.seqP99,
        ours: defaults.ours?.seqP99,
      },
      {
        what: 'RSS MB after the defaults load',
        upstream: defaults.upstream?.rssMb,
        ours: defaults.ours?.rssMb,
      },
      {
        what: 'anonymous RSS MB after the defaults load (without the mapped binary)',
        upstream: defaults.upstream?.anonMb,
        ours: defaults.ours?.anonMb,
      },
      {
        what: `${what}, client limits lifted*: req/s`,
        upstream: lifted.upstream?.rps,
        ours: lifted.ours?.rps,
      },
      {
        what: `${what}, client limits lifted*: p99 ms`,
        upstream: lifted.upstream?.p99,
        ours: lifted.ours?.p99,
      },
      {
        what: 'failed requests (all HPA runs)',
        upstream: (defaults.upstream?.errors ?? 0) + (lifted.upstream?.errors ?? 0),
        ours: (defaults.ours?.errors ?? 0) + (lifted.ours?.errors ?? 0),
      },
    ];
  } finally {
    await Promise.allSettled([prometheus.stop(), exporter.stop()]);
  }
};

interface Discovered {
  readonly listedS: number | undefined;
  readonly peakMb: number;
  readonly steadyMb: number | undefined;
}

/** From start until `names` metrics are listed; then until two more relists have been served. */
const discoveryRun = async (
  adapter: BenchAdapter,
  served: () => number,
  names: number,
  timeoutS: number,
): Promise<Discovered> => {
  const began = performance.now();
  const listed = await pollFor(
    `${adapter.which} lists ${names} metrics`,
    async () => ((await listedCount(adapter, 'bench_metric')) === names ? true : undefined),
    timeoutS * 1000,
    250,
  ).catch(() => false);
  const listedS = listed ? (performance.now() - began) / 1000 : undefined;
  if (!listed) return { listedS, peakMb: (await adapter.memory()).peakMb, steadyMb: undefined };
  const target = served() + 2;
  await pollFor(
    'two more relists',
    () => Promise.resolve(served() >= target ? true : undefined),
    timeoutS * 1000,
  );
  const { rssMb, peakMb } = await adapter.memory();
  return { listedS, peakMb, steadyMb: rssMb };
};

const discoveryRows = async (
  setup: Setup,
  size: { readonly names: number; readonly pods: number },
  timeoutS: number,
): Promise<Row[]> => {
  const server = await startSeriesServer(size.names, size.pods);
  const got: Partial<Record<Which, Discovered>> = {};
  try {
    for (const which of ADAPTERS) {
      got[which] = await withAdapter(
        which,
        setup,
        server.url,
        ['--metrics-relist-interval=5s', '--metrics-max-age=1m'],
        (a) => discoveryRun(a, () => server.completed(), size.names, timeoutS),
      );
    }
  } finally {
    await server.stop();
  }
  const series = (size.names * size.pods).toLocaleString('en');
  const unfinished = ADAPTERS.filter((w) => got[w]?.listedS === undefined);
  const note =
    unfinished.length === 0
      ? undefined
      : `${unfinished.join(', ')}: not listed within ${timeoutS} s`;
  return [
    {
      what: `discovery of ${series} series: seconds until listed`,
      upstream: got.upstream?.listedS,
      ours: got.ours?.listedS,
      ...(note === undefined ? {} : { note }),
    },
    {
      what: `discovery of ${series} series: peak RSS MB`,
      upstream: got.upstream?.peakMb,
      ours: got.ours?.peakMb,
    },
    {
      what: `discovery of ${series} series: RSS MB after 2 more relists`,
      upstream: got.upstream?.steadyMb,
      ours: got.ours?.steadyMb,
    },
  ];
};

/** The HPA controller's sync workers (kube-controller-manager's default). */
const HPA_WORKERS = 5;

const fleetRows = async (
  setup: Setup,
  hpas: number,
  fleet: NonNullable<UpstreamBenchSizes['fleet']>,
): Promise<Row[]> => {
  const runs = await runFleet(setup, { ...fleet, hpas, workers: HPA_WORKERS });
  const up = runs.find((r) => r.which === 'upstream');
  const ours = runs.find((r) => r.which === 'ours');
  const what = `${hpas.toLocaleString('en')} HPAs (own Deployments), per ${fleet.periodMs / 1000} s sync`;
  return [
    {
      what: `${what}: requests answered`,
      upstream: up?.answeredPerSync,
      ours: ours?.answeredPerSync,
    },
    {
      what: `${what}: Prometheus queries`,
      upstream: up?.queriesPerSync,
      ours: ours?.queriesPerSync,
    },
    {
      what: `${what}: apiserver pod LISTs`,
      upstream: up?.listsPerSync,
      ours: ours?.listsPerSync,
    },
    {
      what: `${what}: values differing from the per-HPA query (ours, of ${ours?.compared ?? 0})`,
      upstream: undefined,
      ours: ours?.mismatches,
    },
    {
      what: `${what}: failed requests`,
      upstream: up?.failed,
      ours: ours?.failed,
    },
  ];
};

const figure = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toPrecision(3);

/** The Markdown table docs/benchmarks.md quotes. */
export const formatRows = (rows: readonly Row[]): string => {
  const lines = [
    '| measurement | upstream v0.12.0 | ours | ours ÷ upstream |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => {
      const ratio =
        r.upstream === undefined || r.ours === undefined ? undefined : r.ours / r.upstream;
      const note = r.note === undefined ? '' : ` (${r.note})`;
      return `| ${r.what}${note} | ${figure(r.upstream)} | ${figure(r.ours)} | ${figure(ratio)} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
};

/** Runs every comparison, one adapter at a time. */
export const runUpstreamBench = async (
  upstreamBin: string,
  sizes: UpstreamBenchSizes,
): Promise<Row[]> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-upbench-'));
  const kube = await startBenchKube(dir, sizes.pods);
  const setup: Setup = { dir, kubeconfig: kube.kubeconfig, upstreamBin };
  try {
    const rows = await hpaRows(setup, sizes);
    const fleet = sizes.fleet;
    for (const hpas of fleet?.hpas ?? []) {
      if (fleet !== undefined) rows.push(...(await fleetRows(setup, hpas, fleet)));
    }
    for (const size of sizes.discovery)
      rows.push(...(await discoveryRows(setup, size, sizes.listTimeoutS)));
    return rows;
  } finally {
    await kube.stop();
    await rm(dir, { recursive: true, force: true });
  }
};
