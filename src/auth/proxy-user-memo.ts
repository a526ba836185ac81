/**
 * Per TLS connection, the front-proxy user of the last identity headers seen. The aggregator
 * sends request after request for the same caller over one connection; handing those requests
 * one and the same UserInfo object saves re-reading the headers and keeps the per-user memos
 * downstream (the authenticated-group copy, the authorizer's cache key) warm. Only the reading
 * of the headers is memoized: the proxy certificate is still checked on every request.
 */
import type { HeaderInput } from './headers.ts';
import type { UserInfo } from './identity.ts';
import { userFromHeaders, type RequestHeaderConfig } from './request-header.ts';

type Value = HeaderInput[string];

interface Entry {
  readonly config: RequestHeaderConfig;
  /** The identity header names of the request the user was read from, and their values. */
  readonly names: readonly string[];
  readonly values: readonly Value[];
  readonly user: UserInfo | undefined;
}

const sameValue = (a: Value, b: Value): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return a.length === b.length && a.every((v, i) => v === b[i]);
};

/** Whether `headers` has exactly the identity headers (names, order, values) of `entry`. */
const sameIdentity = (entry: Entry, headers: HeaderInput, names: readonly string[]): boolean =>
  names.length === entry.names.length &&
  names.every((name, i) => name === entry.names[i] && sameValue(headers[name], entry.values[i]));

/** `userFromHeaders` for one request, given its connection and identity header names. */
export type ProxyUserReader = (
  connection: object | undefined,
  names: readonly string[],
) => (headers: HeaderInput, config: RequestHeaderConfig) => UserInfo | undefined;

/**
 * Creates the memo. A request on the same connection, under the same config object, whose
 * identity headers (`names`, from `identityHeaderNames`) are the previous request's, in the
 * same order with the same values, gets the previous user object; anything else reads the
 * headers afresh. Without a connection nothing is remembered.
 */
export const createProxyUserMemo = (): ProxyUserReader => {
  const last = new WeakMap<object, Entry>();
  return (connection, names) => (headers, config) => {
    if (connection === undefined) return userFromHeaders(headers, config);
    const entry = last.get(connection);
    if (entry?.config === config && sameIdentity(entry, headers, names)) return entry.user;
    const user = userFromHeaders(headers, config);
    const values = names.map((name) => {
      const value = headers[name];
      return typeof value === 'object' ? [...value] : value;
    });
    last.set(connection, { config, names: [...names], values, user });
    return user;
  };
};
