/**
 * Request headers as the authenticators read them: lowercase names, each header line a
 * separate value (Go's `http.Header`), never joined with ", ".
 */

/** Lowercase header name → its values in arrival order. */
export type DistinctHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/** Node's header shapes: `req.headersDistinct` (HTTP/1.1) or a single string per name. */
export type HeaderInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Builds DistinctHeaders from `req.rawHeaders` ([name, value, name, value, …]); this works for
 * HTTP/1.1 and HTTP/2 alike (Http2ServerRequest has no `headersDistinct`).
 */
export const distinctHeaders = (rawHeaders: readonly string[]): DistinctHeaders => {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    (out[name] ??= []).push(value);
  }
  return out;
};

/** All values of `name` (lowercase); a plain string counts as one value. */
export const valuesOf = (headers: HeaderInput, name: string): readonly string[] => {
  const value = headers[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
};

/** The first value of `name`, as Go's `Header.Get`. */
export const firstValue = (headers: HeaderInput, name: string): string | undefined =>
  valuesOf(headers, name)[0];
