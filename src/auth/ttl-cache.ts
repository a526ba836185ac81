/**
 * A bounded map whose entries expire: least recently used entries are evicted first when full.
 * The time is passed in, so tests control it.
 */
export interface TtlCache<V> {
  /** The live value for `key` at `now`, or undefined (expired entries are dropped). */
  get(key: string, now: number): V | undefined;
  /** Stores `value` until `now + ttlMs`; a ttl ≤ 0 stores nothing. */
  set(key: string, value: V, now: number, ttlMs: number): void;
  readonly size: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/** Creates a cache holding at most `maxEntries` values. */
export const createTtlCache = <V>(maxEntries: number): TtlCache<V> => {
  // Insertion order is recency order: a hit moves its entry to the end, unless it is there
  // already (`newest`), which spares the busiest key two map operations per hit.
  const entries = new Map<string, Entry<V>>();
  let newest: string | undefined;
  return {
    get: (key, now) => {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      if (key !== newest) {
        entries.delete(key);
        entries.set(key, entry);
        newest = key;
      }
      return entry.value;
    },
    set: (key, value, now, ttlMs) => {
      if (ttlMs <= 0 || maxEntries <= 0) return;
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: now + ttlMs });
      newest = key;
    },
    get size() {
      return entries.size;
    },
  };
};
