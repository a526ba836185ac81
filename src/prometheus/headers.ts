/** HTTP headers with canonical keys, each key holding one or more values (Go's http.Header). */
export type HeaderMap = Readonly<Record<string, readonly string[]>>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Go's textproto.CanonicalMIMEHeaderKey: `x-foo-bar` → `X-Foo-Bar`. Keys containing a byte that
 * is not an HTTP token character (a space, for instance) are returned unchanged.
 */
export const canonicalHeaderKey = (key: string): string => {
  if (!TOKEN.test(key)) return key;
  let upper = true;
  let out = '';
  for (const c of key) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
};

/**
 * Parses repeated `--prometheus-header` values: `Key=Value` split at the first `=`, `Key` alone
 * gives an empty value, keys are canonicalised and repeated keys collect several values.
 */
export const parseHeaderArgs = (args: readonly string[]): HeaderMap => {
  const headers = new Map<string, string[]>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = canonicalHeaderKey(eq < 0 ? arg : arg.slice(0, eq));
    const value = eq < 0 ? '' : arg.slice(eq + 1);
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  return Object.fromEntries(headers);
};

/** The first problem that would make Go reject these headers on every request, or undefined. */
export const invalidHeader = (headers: HeaderMap): string | undefined => {
  for (const [key, values] of Object.entries(headers)) {
    if (!TOKEN.test(key)) return `invalid header field name ${JSON.stringify(key)}`;
    if (values.some((v) => /[\0\r\n]/.test(v))) {
      return `invalid header field value for ${JSON.stringify(key)}`;
    }
  }
  return undefined;
};

/** True when `headers` already carries an Authorization header (any casing). */
export const hasAuthorization = (headers: HeaderMap): boolean =>
  Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
