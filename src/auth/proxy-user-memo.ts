/**
 * Per TLS connection, the front-proxy user of the last identity headers seen. The aggregator
 * sends request after request for the same caller over one connection; handing those requests
 * one and the same UserInfo object saves re-reading the headers and keeps the per-user memos
 * downstream (the authenticated-group copy, the authorizer's cache key) warm. Only the reading
 * of the headers is memoized: the proxy certificate is still checked on every request.
 */
import type { HeaderInput } from './headers.ts';
import type { UserInfo } from './identity.ts';
import { identitySignature, userFromHeaders, type RequestHeaderConfig } from './request-header.ts';

interface Entry {
  readonly config: RequestHeaderConfig;
  readonly signature: string;
  readonly user: UserInfo | undefined;
}

/** `userFromHeaders` for one request, given its connection and identity header names. */
export type ProxyUserReader = (
  connection: object | undefined,
  names: readonly string[],
) => (headers: HeaderInput, config: RequestHeaderConfig) => UserInfo | undefined;

/**
 * Creates the memo. A request on the same connection, under the same config object, whose
 * identity headers have the same names and values (`identitySignature`) gets the previous user
 * object; anything else reads the headers afresh. Without a connection nothing is remembered.
 */
export const createProxyUserMemo = (): ProxyUserReader => {
  const last = new WeakMap<object, Entry>();
  return (connection, names) => (headers, config) => {
    if (connection === undefined) return userFromHeaders(headers, config);
    const signature = identitySignature(headers, names);
    const entry = last.get(connection);
    if (entry?.config === config && entry.signature === signature) return entry.user;
    const user = userFromHeaders(headers, config);
    last.set(connection, { config, signature, user });
    return user;
  };
};
