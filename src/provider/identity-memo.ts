/**
 * Work derived from shared inputs, done once per input. Coalescing hands identical requests in one
 * window the very same listing array and the very same query answer; what a request derives from
 * them (the PromQL built from the names, the values mapped from the samples) is then the same too.
 * The memo keys on the inputs' identity (WeakMaps) plus a string for the rest of the request, so
 * an entry can never outlive its inputs or be handed to a request with different inputs: with
 * coalescing off every input is new and every lookup misses. Per provider instance, never global.
 */
export interface IdentityMemo<V> {
  /** The value for (`a`, `b`, `key`), made by `make` on first use. */
  get(a: object, b: object, key: string, make: () => V): V;
}

export const createIdentityMemo = <V>(): IdentityMemo<V> => {
  const outer = new WeakMap<object, WeakMap<object, Map<string, V>>>();
  return {
    get(a, b, key, make) {
      let inner = outer.get(a);
      if (inner === undefined) {
        inner = new WeakMap();
        outer.set(a, inner);
      }
      let byKey = inner.get(b);
      if (byKey === undefined) {
        byKey = new Map();
        inner.set(b, byKey);
      }
      const hit = byKey.get(key);
      if (hit !== undefined) return hit;
      const made = make();
      byKey.set(key, made);
      return made;
    },
  };
};
