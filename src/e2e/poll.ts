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
