/**
 * "Did you mean": metric names close to the one asked for, by edit distance or by the same base
 * name once the usual unit and type suffixes are stripped (`http_requests_total`,
 * `http_requests_per_second` and `http_requests` share the base `http_requests`).
 */
const SUFFIXES = ['_total', '_count', '_sum', '_bucket', '_per_second', '_seconds', '_bytes'];

/** The name without its trailing unit/type suffixes. */
export const baseName = (name: string): string => {
  let out = name;
  for (let changed = true; changed;) {
    changed = false;
    for (const s of SUFFIXES) {
      if (out.endsWith(s) && out.length > s.length) {
        out = out.slice(0, -s.length);
        changed = true;
      }
    }
  }
  return out;
};

/** Levenshtein distance. */
export const editDistance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
};

/** Whether `candidate` is close enough to `wanted` to be worth naming. */
export const isSimilar = (candidate: string, wanted: string): boolean =>
  candidate !== wanted &&
  (baseName(candidate) === baseName(wanted) ||
    editDistance(candidate, wanted) <= Math.max(2, Math.floor(wanted.length / 5)));

/** The closest names first (by edit distance, then name), at most `limit`. */
export const closest = <T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  wanted: string,
  limit = 5,
): T[] =>
  items
    .map((item) => ({ item, d: editDistance(nameOf(item), wanted), n: nameOf(item) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, limit)
    .map((x) => x.item);
