/**
 * Statistics of the auth benchmark: medians and spreads over rounds, and ratios against the
 * baseline taken within the same round (the modes of one round ran back to back, so they share
 * the machine's background load; a ratio per round cancels most of it). Pure.
 */

/** One measured slice of one mode. */
export interface Sample {
  readonly mode: string;
  readonly round: number;
  readonly reqPerSec: number;
  /** Server CPU time (user + system) per successful request, in microseconds. */
  readonly serverCpuUs: number;
  /** The load generator's CPU time per successful request (equal bytes ⇒ about equal). */
  readonly clientCpuUs: number;
}

/** A median with the smallest and largest value it summarises. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** What the benchmark prints for one mode. */
export interface ModeSummary {
  readonly mode: string;
  readonly reqPerSec: Spread;
  /** reqPerSec ÷ the baseline's reqPerSec of the same round. */
  readonly ratio: Spread;
  readonly serverCpuUs: Spread;
  /** The baseline's server CPU per request ÷ this mode's, same round: the CPU-bound ratio. */
  readonly cpuRatio: Spread;
  readonly clientCpuUs: Spread;
}

/** Median (mean of the two middle values for an even count), min and max; zeros when empty. */
export const spreadOf = (values: readonly number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: 0, min: 0, max: 0 };
  const at = (i: number): number => sorted[i] ?? 0;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { median, min: at(0), max: at(n - 1) };
};

/** Per-round quotients `pick(sample) / pick(baseline)`, rounds without both left out. */
const perRound = (
  samples: readonly Sample[],
  mode: string,
  baseline: string,
  quotient: (own: Sample, base: Sample) => number,
): number[] => {
  const out: number[] = [];
  for (const own of samples) {
    if (own.mode !== mode) continue;
    const base = samples.find((s) => s.mode === baseline && s.round === own.round);
    if (base !== undefined) out.push(quotient(own, base));
  }
  return out;
};

/** Summaries in `modes` order, ratios against `baseline` (normally the first mode). */
export const summarize = (
  samples: readonly Sample[],
  modes: readonly string[],
  baseline: string,
): ModeSummary[] =>
  modes.map((mode) => {
    const own = samples.filter((s) => s.mode === mode);
    return {
      mode,
      reqPerSec: spreadOf(own.map((s) => s.reqPerSec)),
      ratio: spreadOf(perRound(samples, mode, baseline, (o, b) => o.reqPerSec / b.reqPerSec)),
      serverCpuUs: spreadOf(own.map((s) => s.serverCpuUs)),
      cpuRatio: spreadOf(
        perRound(samples, mode, baseline, (o, b) => b.serverCpuUs / o.serverCpuUs),
      ),
      clientCpuUs: spreadOf(own.map((s) => s.clientCpuUs)),
    };
  });

/** Round `r`'s order: the list rotated by `r`, so every mode takes every position in turn. */
export const rotation = <T>(items: readonly T[], r: number): T[] => {
  const k = items.length === 0 ? 0 : r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
};
