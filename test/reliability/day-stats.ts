/**
 * The figures of a day-of-load run (day-of-load.ts) and its verdict: outcomes, latency, and the
 * drift of memory, handles, timers and fds between the first window after warm-up and the last
 * window. Pure: the runner collects the samples.
 */

export interface DayOptions {
  readonly hpas: number;
  readonly namespaces: number;
  /** Syncs per 15 s: 10 sends each HPA's request every 1.5 s. */
  readonly speedup: number;
  readonly seconds: number;
  /** Samples from before this are warm-up, not judged. */
  readonly warmupS: number;
  readonly sampleS: number;
  /** Length of the compared windows (first after warm-up, last). */
  readonly windowS: number;
  readonly adapterFlags: readonly string[];
  /** Progress lines (long runs show progress); none by default. */
  readonly progress?: (line: string) => void;
}

/** What the adapter's `/metrics` says, read every sample. */
export interface Gauges {
  readonly openFds: number;
  readonly handles: number;
  /** Active `Timeout` resources (timers). */
  readonly timers: number;
  readonly heapUsedMiB: number;
  readonly lagP99Ms: number;
}

export interface DaySample extends Gauges {
  readonly atS: number;
  readonly rssMiB: number;
  /** Kube LIST calls and Prometheus queries made since the previous sample. */
  readonly lists: number;
  readonly queries: number;
  readonly requests: number;
  readonly latenciesMs: readonly number[];
}

export interface DayResult {
  readonly options: DayOptions;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly samples: readonly DaySample[];
}

const valueOf = (text: string, name: string, labels = ''): number => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels === '' ? ' ' : `{${labels}}`}`));
  return Number(line?.split(' ').at(-1) ?? NaN);
};

/** The gauges from a Prometheus text exposition (prom-client's default metrics). */
export const scrapeGauges = (text: string): Gauges => ({
  openFds: valueOf(text, 'process_open_fds'),
  handles: valueOf(text, 'nodejs_active_handles_total'),
  timers: valueOf(text, 'nodejs_active_resources', 'type="Timeout"') || 0,
  heapUsedMiB: valueOf(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
  lagP99Ms: valueOf(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
});

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export interface DaySummary {
  readonly requests: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Mean RSS of the first window after warm-up and of the last window; relative drift. */
  readonly rssFirst: number;
  readonly rssLast: number;
  readonly rssDrift: number;
  /** Max over the first and the last window. */
  readonly handles: readonly [number, number];
  readonly timers: readonly [number, number];
  readonly openFds: readonly [number, number];
  readonly heapUsedMiB: readonly [number, number];
  readonly lagP99MaxMs: number;
  /** Per sync period (15 s ÷ speedup), averaged after warm-up. */
  readonly queriesPerSync: number;
  readonly listsPerSync: number;
}

export const summarize = (r: DayResult): DaySummary => {
  const o = r.options;
  const judged = r.samples.filter((s) => s.atS > o.warmupS);
  const end = judged.at(-1)?.atS ?? 0;
  const first = judged.filter((s) => s.atS <= o.warmupS + o.windowS);
  const last = judged.filter((s) => s.atS > end - o.windowS);
  const both = (pick: (s: DaySample) => number): readonly [number, number] => [
    Math.max(...first.map(pick)),
    Math.max(...last.map(pick)),
  ];
  const requests = Object.values(r.outcomes).reduce((a, b) => a + b, 0);
  const all = r.samples.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  const judgedS = Math.max(1e-9, end - o.warmupS);
  const syncs = judgedS / (15 / o.speedup);
  const rssFirst = mean(first.map((s) => s.rssMiB));
  const rssLast = mean(last.map((s) => s.rssMiB));
  return {
    requests,
    failed: requests - (r.outcomes['200'] ?? 0),
    perSecond: requests / Math.max(1e-9, r.samples.at(-1)?.atS ?? 0),
    p50Ms: quantile(all, 0.5),
    p99Ms: quantile(all, 0.99),
    rssFirst,
    rssLast,
    rssDrift: (rssLast - rssFirst) / rssFirst,
    handles: both((s) => s.handles),
    timers: both((s) => s.timers),
    openFds: both((s) => s.openFds),
    heapUsedMiB: both((s) => s.heapUsedMiB),
    lagP99MaxMs: Math.max(...judged.map((s) => s.lagP99Ms)),
    queriesPerSync: judged.reduce((a, s) => a + s.queries, 0) / syncs,
    listsPerSync: judged.reduce((a, s) => a + s.lists, 0) / syncs,
  };
};

/** What is wrong with the run (empty: it passed): failures, RSS drift ≥ 5 %, growth of handles. */
export const dayProblems = (s: DaySummary): string[] => [
  ...(s.failed > 0 ? [`${String(s.failed)} of ${String(s.requests)} requests failed`] : []),
  ...(s.requests === 0 ? ['no requests were sent'] : []),
  ...(Math.abs(s.rssDrift) >= 0.05 ? [`RSS drift ${(s.rssDrift * 100).toFixed(1)} %`] : []),
  ...(['handles', 'timers', 'openFds'] as const).flatMap((k) => {
    const [a, b] = s[k];
    // Handles and fds follow the in-flight requests: allow the jitter of a few connections.
    return b > a + 4 ? [`${k} grew from ${String(a)} to ${String(b)}`] : [];
  }),
];
