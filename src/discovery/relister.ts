/**
 * The relist loop: at start and every `--metrics-relist-interval`, one `/api/v1/series` call per
 * distinct seriesQuery (custom and external rules share calls), bounded in parallel, then a new
 * MetricIndex swapped in atomically. A failing query keeps its own rules' last good entries and
 * degrades nothing else (upstream drops the whole update).
 */
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { MetricIndex, RuleContribution } from './metric-index.ts';
import { buildIndex, contributionOf, emptyIndex } from './metric-index.ts';
import type { PrometheusClient, SeriesSet } from '../prometheus/types.ts';
import type { Logger } from '../log.ts';
import { mapBounded } from './bounded.ts';

/** What one rule got from a run: its query's outcome and what it now contributes to the index. */
export interface RuleRelisted {
  readonly rule: CompiledRule;
  readonly outcome: SeriesOutcome;
  /** After a failed query, the rule's last good contribution (kept in the index). */
  readonly contribution: RuleContribution;
}

export interface RelistObserver {
  /** Called once per seriesQuery per run with its outcome and duration in seconds. */
  query(seriesQuery: string, ok: boolean, seconds: number, seriesCount: number): void;
  /** Called once per run with the number of metrics indexed. */
  indexed(custom: number, external: number, seconds: number): void;
  /** Called once per run with every rule's outcome (per-rule health). */
  rules?(relisted: readonly RuleRelisted[]): void;
}

export interface RelisterOptions {
  readonly client: Pick<PrometheusClient, 'series'>;
  /** The current compiled rules; re-read every run (they change when the resource map does). */
  readonly rules: () => readonly CompiledRule[];
  readonly intervalMs: number;
  readonly maxAgeMs: number;
  readonly concurrency: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly observer?: RelistObserver;
  /** A relist still running after this long logs its progress, and again at this interval. */
  readonly progressEveryMs?: number;
}

export interface RelistStatus {
  /** ms epoch of the last finished run, 0 before the first. */
  readonly lastRunAt: number;
  /** ms epoch of the last run in which a series call succeeded (or that had none to make), 0 before. */
  readonly lastSuccessAt: number;
  /** seriesQuery strings whose last call failed. */
  readonly failing: readonly string[];
  /** How many distinct seriesQuery calls the last run made. */
  readonly queries: number;
  /** The first failing call's error in the last run, if any. */
  readonly lastError: string | undefined;
}

export interface Relister {
  current(): MetricIndex;
  status(): RelistStatus;
  runOnce(signal?: AbortSignal): Promise<MetricIndex>;
  /** Runs now and then `intervalMs` after each run finishes, until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /**
   * Asks `run` for a run at once (e.g. after a config reload): it cuts the wait short, or, when a
   * run is in progress, starts the next one as soon as it finishes.
   */
  trigger(): void;
}

/** What a seriesQuery call gave. */
export type SeriesOutcome =
  | { readonly ok: true; readonly series: SeriesSet }
  | { readonly ok: false; readonly error: string };
type Outcome = SeriesOutcome;

/** Logs, every `progressEveryMs` until stopped, how far a slow relist has got. */
const progressLog = (
  options: RelisterOptions,
  queries: readonly string[],
  pending: Set<string>,
) => {
  const began = performance.now();
  const timer = setInterval(() => {
    options.logger.info('relist still running', {
      elapsedSeconds: Math.round((performance.now() - began) / 1000),
      done: queries.length - pending.size,
      pending: [...pending],
    });
  }, options.progressEveryMs ?? 10_000);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
};

const fetchAll = async (
  options: RelisterOptions,
  queries: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Outcome>> => {
  const start = (options.now() - options.maxAgeMs) / 1000;
  const pending = new Set(queries);
  const stopProgress = progressLog(options, queries, pending);
  try {
    return new Map<string, Outcome>(
      await mapBounded(queries, options.concurrency, async (q) => {
        try {
          return await fetchOne(options, { query: q, start, ...(signal ? { signal } : {}) });
        } finally {
          pending.delete(q);
        }
      }),
    );
  } finally {
    stopProgress();
  }
};

/** Relists are per backend and seriesQuery: rules share a call only when both are equal. */
const keyOf = (rule: { readonly backend?: string | undefined; readonly seriesQuery: string }) =>
  rule.backend === undefined ? rule.seriesQuery : `${rule.backend}\u0000${rule.seriesQuery}`;

const splitKey = (key: string): { readonly backend?: string; readonly seriesQuery: string } => {
  const cut = key.indexOf('\u0000');
  return cut < 0
    ? { seriesQuery: key }
    : { backend: key.slice(0, cut), seriesQuery: key.slice(cut + 1) };
};

/** One series call; a failure is logged and kept as an outcome, never thrown. */
const fetchOne = async (
  options: RelisterOptions,
  call: { readonly query: string; readonly start: number; readonly signal?: AbortSignal },
): Promise<readonly [string, Outcome]> => {
  const { query: key, start, signal } = call;
  const { backend, seriesQuery: q } = splitKey(key);
  const began = performance.now();
  try {
    const series = await options.client.series(q, start, signal, { backend });
    options.observer?.query(q, true, (performance.now() - began) / 1000, series.count);
    return [key, { ok: true, series }];
  } catch (err) {
    options.observer?.query(q, false, (performance.now() - began) / 1000, 0);
    options.logger.error('series query failed; its rules keep their last good metrics', {
      seriesQuery: q,
      err,
    });
    return [key, { ok: false, error: err instanceof Error ? err.message : String(err) }];
  }
};

/**
 * Whether `before` (a rule of the last run) is the same config rule as `rule`: compiled anew after
 * a resource-map refresh or a reload, a rule is another object, so its place and query decide.
 */
const sameRule = (before: CompiledRule | undefined, rule: CompiledRule): boolean =>
  before === rule ||
  (before !== undefined &&
    before.kind === rule.kind &&
    before.path === rule.path &&
    before.seriesQuery === rule.seriesQuery);

/** Creates a relister whose index starts empty. */
export const createRelister = (options: RelisterOptions): Relister => {
  let index = emptyIndex();
  let status: RelistStatus = {
    lastRunAt: 0,
    lastSuccessAt: 0,
    failing: [],
    queries: 0,
    lastError: undefined,
  };
  let lastRules: readonly CompiledRule[] = [];
  let wake: (() => void) | undefined;
  let requested = false;

  const runOnce = async (signal?: AbortSignal): Promise<MetricIndex> => {
    const began = performance.now();
    const rules = options.rules();
    const queries = [...new Set(rules.map(keyOf))];
    const outcomes = await fetchAll(options, queries, signal);
    const previous = index.contributions;
    const contributions: RuleContribution[] = rules.map((rule, i) => {
      const outcome = outcomes.get(keyOf(rule));
      if (outcome?.ok) return contributionOf(rule, outcome.series);
      const kept = sameRule(lastRules[i], rule) ? previous[i] : undefined;
      return kept ?? { custom: [], external: [] };
    });
    lastRules = rules;
    index = buildIndex(contributions, options.now());
    options.observer?.rules?.(
      rules.map((rule, i) => ({
        rule,
        outcome: outcomes.get(keyOf(rule)) ?? { ok: false, error: 'not queried' },
        contribution: contributions[i] ?? { custom: [], external: [] },
      })),
    );
    const failing = queries.filter((q) => outcomes.get(q)?.ok !== true);
    const now = options.now();
    const succeeded = failing.length < queries.length || queries.length === 0;
    status = {
      lastRunAt: now,
      lastSuccessAt: succeeded ? now : status.lastSuccessAt,
      failing,
      queries: queries.length,
      lastError: failing.map((q) => outcomes.get(q)).find((o) => o?.ok === false)?.error,
    };
    const custom = index.listCustom().length;
    const external = index.listExternal().length;
    options.observer?.indexed(custom, external, (performance.now() - began) / 1000);
    options.logger.info('relisted metrics', { custom, external, failing: failing.length }, 4);
    return index;
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    while (!signal.aborted) {
      requested = false;
      await runOnce(signal);
      if (requested || signal.aborted) continue;
      const pause = new AbortController();
      const stop = () => {
        pause.abort();
      };
      signal.addEventListener('abort', stop, { once: true });
      wake = stop;
      await sleep(options.intervalMs, pause.signal);
      wake = undefined;
      signal.removeEventListener('abort', stop);
    }
  };

  const trigger = (): void => {
    requested = true;
    wake?.();
  };

  return { current: () => index, status: () => status, runOnce, run, trigger };
};

/** Resolves after `ms` or as soon as `signal` aborts. */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
