/**
 * Delegated authentication (upstream-behaviour: authn), in order: front-proxy request headers, x509
 * client certificates, bearer tokens (TokenReview); anonymous only when no credential at all
 * was presented. The first success wins; otherwise any failure is a 401.
 */
import type { Logger } from '../log.ts';
import { DEFAULT_HEADER_NAMES, type AuthnConfig } from './authn-config.ts';
import type { HeaderInput } from './headers.ts';
import {
  ANONYMOUS_USER,
  withAuthenticatedGroup,
  type AuthnStep,
  type AuthResult,
  type UserInfo,
} from './identity.ts';
import { createPeerVerifier, type PeerSource } from './peer-certs.ts';
import { createProxyUserMemo } from './proxy-user-memo.ts';
import { authenticateRequestHeader, identityHeaderNames } from './request-header.ts';
import type { TokenAuthenticator } from './token.ts';
import { authenticateClientCert, certificateUser } from './x509.ts';

/** One request as the authenticators see it. */
export interface AuthRequest extends PeerSource {
  /** Lowercase names, one array entry per header line (`req.headersDistinct` or distinctHeaders). */
  readonly headers: HeaderInput;
}

export interface Authentication {
  readonly result: AuthResult;
  /**
   * Headers to delete before the request goes further: every front-proxy identity header
   * (whether or not it was trusted) and `authorization` once a token was accepted.
   */
  readonly stripHeaders: readonly string[];
}

export interface AuthenticatorOptions {
  /** The settings in force now (the extension-auth-config source's `current`). */
  readonly config: () => AuthnConfig;
  /** Bearer-token verification; undefined ignores tokens (no TokenReview client). */
  readonly token?: TokenAuthenticator | undefined;
  readonly now?: () => number;
  /** Failures are logged as upstream's "Unable to authenticate the request". */
  readonly log?: Logger;
}

/** Authenticates one request. Never rejects. */
export type Authenticator = (req: AuthRequest) => Promise<Authentication>;

const outcomeOf = (
  steps: readonly AuthnStep[],
  authenticated: (user: UserInfo) => UserInfo,
): AuthResult => {
  const reasons: string[] = [];
  for (const step of steps) {
    if (step.kind === 'authenticated') {
      return { kind: 'authenticated', user: authenticated(step.user) };
    }
    if (step.kind === 'error') reasons.push(step.reason);
  }
  return reasons.length === 0
    ? { kind: 'anonymous', user: ANONYMOUS_USER }
    : { kind: 'rejected', reason: reasons.join('; ') };
};

/** `compute` memoized per argument object (arguments must be long-lived and immutable). */
const memoized = <K extends object, V>(compute: (key: K) => V): ((key: K) => V) => {
  const seen = new WeakMap<K, V>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined) {
      value = compute(key);
      seen.set(key, value);
    }
    return value;
  };
};

/** Creates the union authenticator over live settings. */
export const createAuthenticator = (options: AuthenticatorOptions): Authenticator => {
  const now = options.now ?? Date.now;
  const certificatesOf = createPeerVerifier();
  // Each way in hands repeated requests the same user object (a cached token's verdict, a
  // connection's verified subject or front-proxy headers), so its augmented copy is made once
  // and the authorizer's per-user cache key stays warm.
  const proxyUsers = createProxyUserMemo();
  const certificateUsers = memoized(certificateUser);
  const authenticated = memoized(withAuthenticatedGroup);

  const certSteps = (
    req: AuthRequest,
    config: AuthnConfig,
    identityHeaders: readonly string[],
  ): AuthnStep[] => {
    const certs = certificatesOf(req, now());
    const users = proxyUsers(req.connection, identityHeaders);
    const proxy = authenticateRequestHeader(req.headers, certs, config.requestHeader, users);
    if (proxy.kind === 'authenticated') return [proxy];
    return [proxy, authenticateClientCert(certs, config.clientCa, certificateUsers)];
  };

  return async (req) => {
    const config = options.config();
    const strip = identityHeaderNames(req.headers, config.requestHeader ?? DEFAULT_HEADER_NAMES);
    const taken = certSteps(req, config, strip);
    const byCertificate = taken.some((step) => step.kind === 'authenticated');
    if (!byCertificate && options.token !== undefined) taken.push(await options.token(req.headers));
    const result = outcomeOf(taken, authenticated);
    if (result.kind === 'rejected') {
      options.log?.error('Unable to authenticate the request', { reason: result.reason });
    }
    const tokenUsed = taken[2]?.kind === 'authenticated';
    return { result, stripHeaders: tokenUsed ? [...strip, 'authorization'] : strip };
  };
};
