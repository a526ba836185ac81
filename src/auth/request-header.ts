/**
 * The front-proxy (request-header) authenticator: a client certificate that verifies against
 * the requestheader CA, with an allowed CN, lets `X-Remote-User`, `X-Remote-Group` and
 * `X-Remote-Extra-*` name the user (upstream-behaviour: authn; apiserver headerrequest). Pure.
 */
import type { CaPool } from './cert-chain.ts';
import { firstValue, valuesOf, type HeaderInput } from './headers.ts';
import { SKIP, type AuthnStep, type UserInfo } from './identity.ts';
import type { PeerCertificates } from './peer-certs.ts';

/**
 * One consistent snapshot of the front-proxy settings (flags or the
 * extension-apiserver-authentication ConfigMap). Header names and prefixes are lowercase.
 */
export interface RequestHeaderConfig {
  readonly ca: CaPool;
  /** CNs a proxy certificate may have; empty allows any CN the CA signed. */
  readonly allowedNames: readonly string[];
  readonly usernameHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraPrefixes: readonly string[];
}

/** The front-proxy header names of a config; the flag defaults when there is none. */
export type HeaderNames = Omit<RequestHeaderConfig, 'ca' | 'allowedNames'>;

/** `url.PathUnescape`, keeping the raw key when it is malformed. */
const unescapeKey = (key: string): string => {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
};

const extraFrom = (
  headers: HeaderInput,
  prefixes: readonly string[],
): Record<string, readonly string[]> => {
  // A Map, so that a key such as `__proto__` becomes an own property like any other.
  const extra = new Map<string, string[]>();
  for (const prefix of prefixes) {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (!lower.startsWith(prefix)) continue;
      const key = unescapeKey(lower.slice(prefix.length));
      const values = extra.get(key) ?? [];
      values.push(...valuesOf(headers, name));
      extra.set(key, values);
    }
  }
  return Object.fromEntries(extra);
};

/**
 * The user the headers name: the first username header whose first value is non-empty; every
 * non-empty value of every group header; extras keyed by the lowercased, URL-unescaped rest of
 * each prefixed header name. Undefined when no username header is set.
 */
export const userFromHeaders = (
  headers: HeaderInput,
  config: HeaderNames,
): UserInfo | undefined => {
  let name: string | undefined;
  for (const header of config.usernameHeaders) {
    name = firstValue(headers, header);
    if (name !== undefined && name !== '') break;
  }
  if (name === undefined || name === '') return undefined;
  const groups: string[] = [];
  for (const header of config.groupHeaders) {
    for (const value of valuesOf(headers, header)) if (value !== '') groups.push(value);
  }
  return { name, groups, extra: extraFrom(headers, config.extraPrefixes) };
};

const isIdentityHeader = (lower: string, config: HeaderNames): boolean => {
  if (config.usernameHeaders.includes(lower) || config.groupHeaders.includes(lower)) return true;
  for (const prefix of config.extraPrefixes) if (lower.startsWith(prefix)) return true;
  return false;
};

/**
 * The names of the headers present on this request that carry front-proxy identity (compared
 * lowercased); the caller deletes them whatever the outcome, so they never reach anything
 * downstream.
 */
export const identityHeaderNames = (
  headers: HeaderInput,
  config: HeaderNames | undefined,
): string[] => {
  const names: string[] = [];
  if (config === undefined) return names;
  for (const name of Object.keys(headers)) {
    if (isIdentityHeader(name.toLowerCase(), config)) names.push(name);
  }
  return names;
};

/**
 * Authenticates by front-proxy headers. `skip` without a config or a client certificate, or when
 * no username header is set; `error` when the certificate does not verify against the
 * requestheader CA or its CN is not allowed (a client-CA certificate cannot act as a proxy).
 * `users` reads the user once the certificate passed (a memo of `userFromHeaders` may stand in).
 */
export const authenticateRequestHeader = (
  headers: HeaderInput,
  certs: PeerCertificates,
  config: RequestHeaderConfig | undefined,
  users: (
    headers: HeaderInput,
    config: RequestHeaderConfig,
  ) => UserInfo | undefined = userFromHeaders,
): AuthnStep => {
  if (config === undefined || !certs.present) return SKIP;
  const verdict = certs.verify(config.ca);
  if (!verdict.ok) return { kind: 'error', reason: `request-header: ${verdict.reason}` };
  const cn = verdict.subject.commonName;
  if (config.allowedNames.length > 0 && !config.allowedNames.includes(cn)) {
    return { kind: 'error', reason: `x509: subject with cn=${cn} is not in the allowed list` };
  }
  const user = users(headers, config);
  return user === undefined ? SKIP : { kind: 'authenticated', user };
};
