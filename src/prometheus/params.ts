/**
 * Prometheus `model.Time` string for a time given in seconds: millisecond precision, shortest
 * decimal form (`1712345678.123`, `1712345678.1`, `1712345678`).
 */
export const formatModelTime = (seconds: number): string =>
  String(Math.round(seconds * 1000) / 1000);

/** Go's url.QueryEscape: like encodeURIComponent, but also escapes `!'()*` and uses `+` for space. */
export const queryEscape = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** Go's url.Values.Encode: `k=v` pairs joined by `&`, sorted by key, values in given order. */
export const encodeQuery = (params: readonly (readonly [string, string])[]): string =>
  [...params]
    .map(([k, v], i) => ({ k, v, i }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map(({ k, v }) => `${queryEscape(k)}=${queryEscape(v)}`)
    .join('&');
