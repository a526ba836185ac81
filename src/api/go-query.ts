/**
 * URL pieces read the way Go's net/url and apimachinery's parameter codec read them, so the
 * path, the query and boolean parameters mean what they mean upstream.
 */

export interface ParsedTarget {
  /** Percent-decoded path (Go's `URL.Path`). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
}

/**
 * Splits a request target into decoded path and query. Returns undefined when the target is not
 * a valid origin-form URL (Go's server answers those with a bare 400).
 */
export const parseTarget = (target: string): ParsedTarget | undefined => {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  if (!rawPath.startsWith('/')) return undefined;
  try {
    return { path: decodeURIComponent(rawPath), query: new URLSearchParams(rawQuery), rawQuery };
  } catch {
    return undefined;
  }
};

/**
 * apimachinery's string → bool conversion for query parameters: present and neither `0` nor
 * `false` (any case) means true.
 */
export const queryBool = (query: URLSearchParams, name: string): boolean => {
  const value = query.get(name);
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
};

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Go's strconv.ParseBool, with anything unparseable reading as false. */
export const goParseBool = (value: string): boolean => GO_TRUE.has(value);
