/**
 * Saturation: the HPA's request as fast as this machine can send it (`concurrency` keep-alive
 * HTTPS/1.1 requests always in flight, undici pool in this process; the adapter is its own
 * process) for `durationMs`. Counts every outcome by status, the latency of each request by
 * 10 s window, and the adapter's RSS every 5 s. Used by saturation.test.ts (short) and soak.ts
 * (`npm run soak`, 10 minutes).
 */
import { Pool } from 'undici';
import { HPA_PATH } from './fault-support.ts';
import { rssMiB } from './rss.ts';

export interface SaturationOptions {
  readonly port: number;
  readonly pid: number;
  readonly durationMs: number;
  readonly concurrency: number;
}

export interface Window {
  readonly startS: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface SaturationResult {
  readonly seconds: number;
  readonly requests: number;
  readonly perSecond: number;
  /** Outcomes by status code, or by transport error code. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly windows: readonly Window[];
  /** Adapter RSS in MiB, sampled every 5 s from the start. */
  readonly rssMiB: readonly number[];
}

const WINDOW_MS = 10_000;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

const windowOf = (startS: number, latencies: number[]): Window => {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    startS,
    requests: sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? 0,
  };
};

export const saturate = async (o: SaturationOptions): Promise<SaturationResult> => {
  const pool = new Pool(`https://127.0.0.1:${o.port}`, {
    connections: o.concurrency,
    connect: { rejectUnauthorized: false },
  });
  const outcomes: Record<string, number> = {};
  const buckets: number[][] = [];
  const rss: number[] = [rssMiB(o.pid)];
  const sampler = setInterval(() => rss.push(rssMiB(o.pid)), 5000);
  const started = performance.now();
  const deadline = started + o.durationMs;
  const count = (key: string): void => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'GET', path: HPA_PATH });
        await res.body.text();
        count(String(res.statusCode));
      } catch (err) {
        count((err as NodeJS.ErrnoException).code ?? String(err));
      }
      const t1 = performance.now();
      const w = Math.floor((t0 - started) / WINDOW_MS);
      (buckets[w] ??= []).push(t1 - t0);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, loop));
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
  rss.push(rssMiB(o.pid));
  const seconds = (performance.now() - started) / 1000;
  const requests = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return {
    seconds,
    requests,
    perSecond: requests / seconds,
    outcomes,
    windows: buckets.map((b, i) => windowOf((i * WINDOW_MS) / 1000, b)),
    rssMiB: rss,
  };
};

/** The figures docs/reliability.md quotes, one line. */
export const summary = (r: SaturationResult): string => {
  const p99 = r.windows.map((w) => w.p99Ms);
  const max = Math.max(...r.windows.map((w) => w.maxMs));
  const rss = r.rssMiB;
  return (
    `${r.requests} requests in ${r.seconds.toFixed(0)} s (${r.perSecond.toFixed(0)}/s), ` +
    `outcomes ${JSON.stringify(r.outcomes)}, p50 ${r.windows[0]?.p50Ms.toFixed(1) ?? '?'}–` +
    `${Math.max(...r.windows.map((w) => w.p50Ms)).toFixed(1)} ms, p99 per 10 s window ` +
    `${Math.min(...p99).toFixed(1)}–${Math.max(...p99).toFixed(1)} ms, max ${max.toFixed(0)} ms, ` +
    `RSS start ${rss[0]?.toFixed(0) ?? '?'} MiB, min ${Math.min(...rss).toFixed(0)}, ` +
    `max ${Math.max(...rss).toFixed(0)}, end ${rss.at(-1)?.toFixed(0) ?? '?'} MiB`
  );
};
