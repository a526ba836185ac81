/**
 * Coalescing of identical work: concurrent calls with the same key share one in-flight promise,
 * and a successful result is reused for `ttlMs`. Failures are never cached. The cache is bounded
 * (oldest entries go first). Used for PromQL queries across HPAs and for object listings.
 * A caller may pass its AbortSignal: once every caller of an in-flight call has gone (aborted),
 * the shared call's own signal aborts and the entry is dropped, so abandoned work (a stalled
 * Prometheus) does not hold connections until the client's own timeout.
 */
export interface Coalescer<V> {
  get(key: string, load: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V>;
}

export interface CoalescerOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
  /** Called with true when a call was served without running `load` (shared or cached). */
  readonly onLookup?: (shared: boolean) => void;
}

interface Entry<V> {
  readonly promise: Promise<V>;
  /** When the promise resolved; undefined while in flight. */
  settledAt: number | undefined;
  readonly controller: AbortController;
  /** Callers still waiting on the in-flight call (one without a signal never leaves). */
  waiters: number;
}

export const createCoalescer = <V>(options: CoalescerOptions): Coalescer<V> => {
  const entries = new Map<string, Entry<V>>();
  const fresh = (e: Entry<V>): boolean =>
    e.settledAt === undefined || options.now() - e.settledAt < options.ttlMs;
  const evict = () => {
    for (const [key, e] of entries) if (!fresh(e)) entries.delete(key);
    for (const key of entries.keys()) {
      if (entries.size < options.maxEntries) break;
      entries.delete(key);
    }
  };
  /** Counts the caller in while the call is in flight; the last one to abort aborts the call. */
  const join = (key: string, entry: Entry<V>, signal: AbortSignal | undefined): void => {
    if (entry.settledAt !== undefined || signal?.aborted === true) return;
    entry.waiters += 1;
    const leave = (): void => {
      entry.waiters -= 1;
      if (entry.waiters > 0 || entry.settledAt !== undefined) return;
      if (entries.get(key) === entry) entries.delete(key);
      entry.controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', leave, { once: true });
    const done = (): void => signal?.removeEventListener('abort', leave);
    entry.promise.then(done, done);
  };
  return {
    get: (key, load, signal) => {
      const existing = entries.get(key);
      if (existing !== undefined && fresh(existing)) {
        options.onLookup?.(true);
        join(key, existing, signal);
        return existing.promise;
      }
      options.onLookup?.(false);
      evict();
      const controller = new AbortController();
      const promise = load(controller.signal);
      const entry: Entry<V> = { promise, settledAt: undefined, controller, waiters: 0 };
      entries.set(key, entry);
      join(key, entry, signal);
      promise.then(
        () => {
          entry.settledAt = options.now();
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return promise;
    },
  };
};
