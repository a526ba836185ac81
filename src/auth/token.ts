/**
 * Bearer tokens verified by a TokenReview against the core apiserver, with the apiserver's
 * token cache: verdicts (not errors) are kept for the TTL under a salted SHA-256 of the token
 * (the token itself is never stored), and concurrent lookups of one token share a single
 * review (upstream-behaviour: authn).
 */
import { hash, randomBytes } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { TokenReviewStatus } from '../kubernetes/reviews.ts';
import { firstValue, type HeaderInput } from './headers.ts';
import { SKIP, type AuthnStep, type UserInfo } from './identity.ts';
import { createTtlCache } from './ttl-cache.ts';

/** Where the `Authorization` header stands. */
export type BearerToken =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'token'; readonly token: string };

/**
 * Reads `Authorization: Bearer <token>` as apiserver's bearertoken authenticator: another scheme
 * or no header is `none`; `Bearer` with an empty token (e.g. two spaces) is `invalid`.
 */
export const bearerTokenOf = (headers: HeaderInput): BearerToken => {
  const auth = (firstValue(headers, 'authorization') ?? '').trim();
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return { kind: 'none' };
  const token = parts[1] ?? '';
  return token === '' ? { kind: 'invalid' } : { kind: 'token', token };
};

export interface TokenAuthenticatorOptions {
  /** One TokenReview (throws when the API cannot answer). */
  readonly review: (token: string) => Promise<TokenReviewStatus>;
  /** `--authentication-token-webhook-cache-ttl` in ms (default 10 000; 0 disables the cache). */
  readonly ttlMs?: number;
  /** Upper bound of cached tokens (default 8192). */
  readonly maxEntries?: number;
  readonly now?: () => number;
  readonly log: Logger;
}

/** Authenticates the bearer token of a request, if it has one. */
export type TokenAuthenticator = (headers: HeaderInput) => Promise<AuthnStep>;

type Verdict =
  { readonly ok: true; readonly user: UserInfo } | { readonly ok: false; readonly error: string };

const INVALID = 'invalid bearer token';

const userOf = (status: TokenReviewStatus): UserInfo => ({
  name: status.user.username,
  ...(status.user.uid === '' ? {} : { uid: status.user.uid }),
  groups: status.user.groups,
  extra: status.user.extra,
});

/**
 * Creates the token authenticator. `skip` without a bearer token; `error` (→ 401, never
 * anonymous) for an empty, unknown or unverifiable token; API failures are logged and also 401.
 */
export const createTokenAuthenticator = (
  options: TokenAuthenticatorOptions,
): TokenAuthenticator => {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = createTtlCache<Verdict>(options.maxEntries ?? 8192);
  const inFlight = new Map<string, Promise<Verdict>>();
  const salt = randomBytes(32).toString('base64');
  const keyOf = (token: string): string => hash('sha256', salt + token, 'base64');

  const lookup = async (token: string, key: string): Promise<Verdict> => {
    try {
      const status = await options.review(token);
      if (!status.authenticated && status.error !== '') return { ok: false, error: status.error };
      const verdict: Verdict = status.authenticated
        ? { ok: true, user: userOf(status) }
        : { ok: false, error: INVALID };
      cache.set(key, verdict, now(), ttlMs);
      return verdict;
    } catch (err) {
      options.log.error('Failed to make webhook authenticator request', { error: err });
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  };

  const verdictFor = (token: string): Promise<Verdict> => {
    const key = keyOf(token);
    const cached = cache.get(key, now());
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = lookup(token, key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return async (headers) => {
    const bearer = bearerTokenOf(headers);
    if (bearer.kind === 'none') return SKIP;
    if (bearer.kind === 'invalid') return { kind: 'error', reason: INVALID };
    const verdict = await verdictFor(bearer.token);
    return verdict.ok
      ? { kind: 'authenticated', user: verdict.user }
      : { kind: 'error', reason: verdict.error };
  };
};
