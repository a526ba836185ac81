/**
 * Who is calling: the Kubernetes user.Info an authenticator produces and the outcome of the
 * authentication union (upstream-behaviour: authn).
 */

/** A Kubernetes user (user.Info). `extra` keys are lowercase. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/**
 * The outcome for one request: a verified user, anonymous (no credentials at all; authorization
 * still judges it), or rejected (credentials presented that did not verify: 401).
 */
export type AuthResult =
  | { readonly kind: 'authenticated'; readonly user: UserInfo }
  | { readonly kind: 'anonymous'; readonly user: UserInfo }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * What one authenticator of the union says: a user, `skip` (its kind of credential is absent,
 * so it has no opinion) or `error` (its credential was presented and failed).
 */
export type AuthnStep =
  | { readonly kind: 'authenticated'; readonly user: UserInfo }
  | { readonly kind: 'skip' }
  | { readonly kind: 'error'; readonly reason: string };

const SYSTEM_AUTHENTICATED = 'system:authenticated';
const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
const SYSTEM_ANONYMOUS = 'system:anonymous';
export const SYSTEM_MASTERS = 'system:masters';

/** The user of requests without credentials. */
export const ANONYMOUS_USER: UserInfo = Object.freeze({
  name: SYSTEM_ANONYMOUS,
  groups: Object.freeze([SYSTEM_UNAUTHENTICATED]),
  extra: Object.freeze({}),
});

export const SKIP: AuthnStep = Object.freeze({ kind: 'skip' });

/**
 * Adds `system:authenticated` to a verified user's groups, unless the user already is in it or
 * in `system:unauthenticated` (group.AuthenticatedGroupAdder).
 */
export const withAuthenticatedGroup = (user: UserInfo): UserInfo =>
  user.groups.includes(SYSTEM_AUTHENTICATED) || user.groups.includes(SYSTEM_UNAUTHENTICATED)
    ? user
    : { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] };
