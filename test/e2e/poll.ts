/** Outcome of a poll: the last value seen and whether the condition held. */
export interface PollResult<T> {
  readonly ok: boolean;
  readonly value: T | undefined;
  readonly seconds: number;
  readonly lastError: unknown;
}

/** How to poll: every `intervalMs` until `timeoutMs`; `onTick` sees every value (progress, history). */
export interface PollOptions<T> {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly onTick?: (value: T) => void;
}

/**
 * Calls `probe` until `accept(value)` is true or the timeout passes; errors thrown by `probe` count as
 * "not yet". Never throws: the caller asserts on the result, so failures carry the last value seen.
 */
export const pollUntil = async <T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<PollResult<T>> => {
  const start = Date.now();
  let value: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      value = await probe();
      lastError = undefined;
      options.onTick?.(value);
      if (accept(value))
        return { ok: true, value, seconds: (Date.now() - start) / 1000, lastError };
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - start >= options.timeoutMs)
      return { ok: false, value, seconds: (Date.now() - start) / 1000, lastError };
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 2000));
  }
};

/** A Kubernetes quantity as a number: `1500m` → 1.5, `2` → 2, `3k` → 3000, `64Mi` → 67108864. */
export const parseQuantity = (q: string): number => {
  const m = /^([+-]?[0-9.]+(?:e[+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  const factors: Record<string, number> = {
    '': 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
  };
  const f = m ? factors[m[2] ?? ''] : undefined;
  if (!m || f === undefined) throw new Error(`not a quantity: ${JSON.stringify(q)}`);
  return Number(m[1]) * f;
};

/** One timestamped note: `at` in milliseconds since the epoch. */
export interface TimelineEntry {
  readonly at: number;
  readonly what: string;
}

/** Notes of what happened when, printed relative to a start time (HPA replica changes, triggers). */
export interface Timeline {
  note(what: string, at?: number): void;
  readonly entries: readonly TimelineEntry[];
  /** `+  12.3s  01:02:03Z  what`, in time order. */
  lines(): string[];
}

/** A timeline whose offsets count from `start` (milliseconds since the epoch). */
export const createTimeline = (start: number): Timeline => {
  const entries: TimelineEntry[] = [];
  return {
    note: (what, at = Date.now()) => {
      entries.push({ at, what });
    },
    entries,
    lines: () =>
      [...entries]
        .sort((a, b) => a.at - b.at)
        .map(
          (e) =>
            `+${((e.at - start) / 1000).toFixed(1).padStart(6)}s  ${new Date(e.at).toISOString().slice(11, 19)}Z  ${e.what}`,
        ),
  };
};
