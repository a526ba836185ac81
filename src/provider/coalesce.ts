/**
 * Coalescing of identical work: concurrent calls with the same key share one in-flight promise,
 * and a successful result is reused for `ttlMs`. Failures are never cached. The cache is bounded
 * (oldest entries go first). Used for PromQL queries across HPAs and for object listings.
 */
export interface Coalescer<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
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
  return {
    get: (key, load) => {
      const existing = entries.get(key);
      if (existing !== undefined && fresh(existing)) {
        options.onLookup?.(true);
        return existing.promise;
      }
      options.onLookup?.(false);
      evict();
      const promise = load();
      const entry: Entry<V> = { promise, settledAt: undefined };
      entries.set(key, entry);
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
