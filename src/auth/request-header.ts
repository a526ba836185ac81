/**
 * The front-proxy (request-header) authenticator: a client certificate that verifies against
 * the requestheader CA, with an allowed CN, lets `X-Remote-User`, `X-Remote-Group` and
 * `X-Remote-Extra-*` name the user (spec §9.1; apiserver headerrequest). Pure.
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
  const extra: Record<string, string[]> = {};
  for (const prefix of prefixes) {
    for (const name of Object.keys(headers)) {
      if (!name.toLowerCase().startsWith(prefix)) continue;
      const key = unescapeKey(name.slice(prefix.length).toLowerCase());
      (extra[key] ??= []).push(...valuesOf(headers, name));
    }
  }
  return extra;
};

/**
 * The user the headers name: the first username header whose first value is non-empty; every
 * non-empty value of every group header; extras keyed by the lowercased, URL-unescaped rest of
 * each prefixed header name. Undefined when no username header is set.
 */
export const userFromHeaders = (
  headers: HeaderInput,
  config: Omit<RequestHeaderConfig, 'ca' | 'allowedNames'>,
): UserInfo | undefined => {
  const name = config.usernameHeaders
    .map((h) => firstValue(headers, h) ?? '')
    .find((v) => v !== '');
  if (name === undefined) return undefined;
  const groups = config.groupHeaders.flatMap((h) => valuesOf(headers, h).filter((v) => v !== ''));
  return { name, groups, extra: extraFrom(headers, config.extraPrefixes) };
};

/**
 * The names of the headers present on this request that carry front-proxy identity; the caller
 * deletes them whatever the outcome, so they never reach anything downstream.
 */
export const identityHeaderNames = (
  headers: HeaderInput,
  config: Omit<RequestHeaderConfig, 'ca' | 'allowedNames'> | undefined,
): string[] => {
  if (config === undefined) return [];
  const exact = new Set([...config.usernameHeaders, ...config.groupHeaders]);
  return Object.keys(headers).filter(
    (name) => exact.has(name) || config.extraPrefixes.some((p) => name.startsWith(p)),
  );
};

/**
 * Authenticates by front-proxy headers. `skip` without a config or a client certificate, or when
 * no username header is set; `error` when the certificate does not verify against the
 * requestheader CA or its CN is not allowed (a client-CA certificate cannot act as a proxy).
 */
export const authenticateRequestHeader = (
  headers: HeaderInput,
  certs: PeerCertificates,
  config: RequestHeaderConfig | undefined,
): AuthnStep => {
  if (config === undefined || !certs.present) return SKIP;
  const verdict = certs.verify(config.ca);
  if (!verdict.ok) return { kind: 'error', reason: `request-header: ${verdict.reason}` };
  const cn = verdict.subject.commonName;
  if (config.allowedNames.length > 0 && !config.allowedNames.includes(cn)) {
    return { kind: 'error', reason: `x509: subject with cn=${cn} is not in the allowed list` };
  }
  const user = userFromHeaders(headers, config);
  return user === undefined ? SKIP : { kind: 'authenticated', user };
};
