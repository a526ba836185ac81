/**
 * The two hooks the serving layer takes, built from the authenticator and the authorizer:
 * `identify` for api/serve.ts (identity + headers to strip) and `authorize` for api/app.ts
 * (a SubjectAccessReview failure throws, which the app answers with 500 as upstream).
 */
import type { AuthorizationDecision } from '../api/app.ts';
import type { Identity, UserInfo as ApiUser } from '../api/http-types.ts';
import type { RequestAttributes } from '../api/request-info.ts';
import type { Identify } from '../serve/serve-handler.ts';
import type { Authenticator } from './authenticate.ts';
import type { Authorizer, Decision } from './authorize.ts';
import { ANONYMOUS_USER, type UserInfo } from './identity.ts';

/** `identify` for startServer: rejected credentials become `{rejected}` (→ 401). */
export const identifyWith =
  (authenticate: Authenticator): Identify =>
  async (peer) => {
    const { result, stripHeaders } = await authenticate(peer);
    const identity: Identity =
      result.kind === 'rejected' ? { rejected: true, reason: result.reason } : result.user;
    return { identity, stripHeaders };
  };

const hasExtra = (user: ApiUser): user is ApiUser & Pick<UserInfo, 'extra'> =>
  user.extra !== undefined;

/** The identity as a UserInfo; the same object when it already is one (keeps per-user memos warm). */
const userFor = (identity: Identity | undefined): UserInfo => {
  if (identity === undefined || 'rejected' in identity) return ANONYMOUS_USER;
  return hasExtra(identity) ? identity : { ...identity, extra: {} };
};

/** The app's form of a decision; an `error` decision rejects (the app answers 500). */
const settle = (decision: Decision): Promise<AuthorizationDecision> => {
  if (decision.kind === 'error') return Promise.reject(decision.error);
  return Promise.resolve(
    decision.kind === 'allowed' ? { allowed: true } : { allowed: false, reason: decision.reason },
  );
};

/** `authorize` for createApp: a request without identity is judged as anonymous. */
export const authorizeWith =
  (authorize: Authorizer) =>
  (attrs: RequestAttributes, identity: Identity | undefined): Promise<AuthorizationDecision> => {
    const decision = authorize(userFor(identity), attrs);
    return decision instanceof Promise ? decision.then(settle) : settle(decision);
  };
