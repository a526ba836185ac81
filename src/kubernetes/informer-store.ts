/**
 * The keyed store behind an informer. Writers (the one list/watch loop) mutate it; readers get a
 * frozen array that stays valid and unchanged after later writes (copy on first read after a
 * change), so a request works on one consistent snapshot.
 */

export interface InformerStore<T> {
  /** Replaces everything (a relist). */
  replace(items: readonly T[]): void;
  put(item: T): void;
  remove(item: T): void;
  get(key: string): T | undefined;
  items(): readonly T[];
}

export const createStore = <T>(keyOf: (item: T) => string): InformerStore<T> => {
  let byKey = new Map<string, T>();
  let snapshot: readonly T[] | undefined;
  return {
    replace: (items) => {
      byKey = new Map(items.map((item) => [keyOf(item), Object.freeze(item)]));
      snapshot = undefined;
    },
    put: (item) => {
      byKey.set(keyOf(item), Object.freeze(item));
      snapshot = undefined;
    },
    remove: (item) => {
      if (byKey.delete(keyOf(item))) snapshot = undefined;
    },
    get: (key) => byKey.get(key),
    items: () => (snapshot ??= Object.freeze([...byKey.values()])),
  };
};
