/**
 * The authentication settings in force at one moment (client CA and front-proxy settings),
 * and the pure rules that build them from flags and from the
 * `kube-system/extension-apiserver-authentication` ConfigMap (upstream-behaviour: authn).
 */
import { parseCaBundle, type CaPool } from './cert-chain.ts';
import type { HeaderNames, RequestHeaderConfig } from './request-header.ts';

/** An immutable snapshot; consumers call the source's `current()` per request. */
export interface AuthnConfig {
  /** x509 client-certificate users; undefined disables that authenticator. */
  readonly clientCa: CaPool | undefined;
  /** Front-proxy settings; undefined (or no CA) disables that authenticator. */
  readonly requestHeader: RequestHeaderConfig | undefined;
}

export const EMPTY_AUTHN_CONFIG: AuthnConfig = Object.freeze({
  clientCa: undefined,
  requestHeader: undefined,
});

export const DEFAULT_HEADER_NAMES: HeaderNames = Object.freeze({
  usernameHeaders: ['x-remote-user'],
  groupHeaders: ['x-remote-group'],
  extraPrefixes: ['x-remote-extra-'],
});

/** What the ConfigMap says; missing keys are empty. */
export interface ExtensionAuthData {
  readonly clientCaPem: string;
  readonly requestHeaderCaPem: string;
  readonly usernameHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraPrefixes: readonly string[];
  readonly allowedNames: readonly string[];
}

/** A ConfigMap key that should hold a JSON string array but does not. */
export class ExtensionAuthDataError extends Error {
  override readonly name = 'ExtensionAuthDataError';
}

const jsonStrings = (data: Readonly<Record<string, string>>, key: string): string[] => {
  const text = data[key] ?? '';
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ExtensionAuthDataError(`${key}: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
    throw new ExtensionAuthDataError(`${key}: not a JSON array of strings`);
  }
  return parsed;
};

/** Reads the ConfigMap's `data` (undefined for a missing ConfigMap). Throws ExtensionAuthDataError. */
export const parseExtensionAuthData = (
  data: Readonly<Record<string, string>> | undefined,
): ExtensionAuthData => {
  const d = data ?? {};
  return {
    clientCaPem: d['client-ca-file'] ?? '',
    requestHeaderCaPem: d['requestheader-client-ca-file'] ?? '',
    usernameHeaders: jsonStrings(d, 'requestheader-username-headers'),
    groupHeaders: jsonStrings(d, 'requestheader-group-headers'),
    extraPrefixes: jsonStrings(d, 'requestheader-extra-headers-prefix'),
    allowedNames: jsonStrings(d, 'requestheader-allowed-names'),
  };
};

const lower = (names: readonly string[]): readonly string[] =>
  Object.freeze(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));

/** A RequestHeaderConfig with lowercase header names; undefined without a CA. */
export const requestHeaderConfigOf = (
  ca: CaPool | undefined,
  settings: HeaderNames & { readonly allowedNames: readonly string[] },
): RequestHeaderConfig | undefined =>
  ca === undefined
    ? undefined
    : Object.freeze({
        ca,
        allowedNames: Object.freeze([...settings.allowedNames]),
        usernameHeaders: lower(settings.usernameHeaders),
        groupHeaders: lower(settings.groupHeaders),
        extraPrefixes: lower(settings.extraPrefixes),
      });

/**
 * Returns `poolFor(pem, source)`: the CaPool of a PEM bundle, reusing the previous object while
 * the text is unchanged (so per-connection verdicts survive unrelated updates). '' gives
 * undefined; a bad bundle throws CaBundleError.
 */
export const createPoolMemo = (): ((pem: string, source: string) => CaPool | undefined) => {
  const pools = new Map<string, CaPool>();
  return (pem, source) => {
    if (pem.trim() === '') return undefined;
    const known = pools.get(pem);
    if (known !== undefined) return known;
    const pool = parseCaBundle(pem, source);
    if (pools.size >= 8) pools.clear();
    pools.set(pem, pool);
    return pool;
  };
};
