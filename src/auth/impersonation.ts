/**
 * `Impersonate-*` headers (upstream-behaviour: impersonation). Every aggregated API server built
 * on k8s.io/apiserver runs the impersonation filter between authentication and authorization
 * (`DefaultBuildHandlerChain` → `WithImpersonation`), so a caller talking to the adapter directly
 * may act as another user exactly when the authorizer lets it `impersonate` each thing it asks
 * for: the user (or service account), every group, every extra value, the UID. The first denial
 * is a 403 naming the impersonation; groups, extras or a UID without a user are a 400. When all
 * are allowed the request goes on as the impersonated user, whose groups gain
 * `system:authenticated` (or `system:unauthenticated` for `system:anonymous`) as upstream adds.
 * Through the kube-apiserver the headers never arrive: it applies and removes them itself.
 */
import type { ImpersonationResult } from '../api/app.ts';
import type { HeaderMap, Identity } from '../api/http-types.ts';
import type { RequestAttributes } from '../api/request-info.ts';
import type { Authorizer } from './authorize.ts';
import { ANONYMOUS_USER, type UserInfo } from './identity.ts';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA = 'impersonate-extra-';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const SA_PREFIX = 'system:serviceaccount:';
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

const valuesOf = (headers: HeaderMap, name: string): readonly string[] => {
  const v = headers[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
};

/** `url.PathUnescape`, or the key as sent when it does not decode (as upstream). */
const unescapeKey = (key: string): string => {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
};

/** One thing to be allowed to impersonate, as the authorizer is asked about it. */
const attrs = (resource: string, name: string, more: Partial<RequestAttributes> = {}) => ({
  isResourceRequest: true,
  path: '',
  verb: 'impersonate',
  apiGroup: '',
  apiVersion: '',
  namespace: '',
  resource,
  subresource: '',
  name,
  ...more,
});

/** `system:serviceaccount:<ns>:<name>` with valid names (serviceaccount.SplitUsername). */
const serviceAccountOf = (user: string): { namespace: string; name: string } | undefined => {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(':');
  const [namespace = '', name = ''] = parts;
  return parts.length === 2 && DNS_LABEL.test(namespace) && DNS_SUBDOMAIN.test(name)
    ? { namespace, name }
    : undefined;
};

interface Requested {
  readonly checks: readonly RequestAttributes[];
  readonly user: UserInfo;
}

/** The checks and the resulting user; a string when the headers ask for no user. */
const requestedBy = (headers: HeaderMap): Requested | string | undefined => {
  const name = valuesOf(headers, USER)[0] ?? '';
  const groups = [...valuesOf(headers, GROUP)];
  const uid = valuesOf(headers, UID)[0] ?? '';
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(headers)) {
    if (!header.startsWith(EXTRA)) continue;
    const key = unescapeKey(header.slice(EXTRA.length));
    extra[key] = [...(extra[key] ?? []), ...valuesOf(headers, header)];
  }
  const extraChecks = Object.entries(extra).flatMap(([key, values]) =>
    values.map((v) => attrs('userextras', v, { apiGroup: AUTHENTICATION_GROUP, subresource: key })),
  );
  const others = [
    ...groups.map((g) => attrs('groups', g)),
    ...extraChecks,
    ...(uid === '' ? [] : [attrs('uids', uid, { apiGroup: AUTHENTICATION_GROUP })]),
  ];
  if (name === '') {
    if (others.length === 0) return undefined;
    const what = others.map((a) => `${a.resource} ${JSON.stringify(a.name)}`).join(', ');
    return `requested [${what}] without impersonating a user`;
  }
  const sa = serviceAccountOf(name);
  const userCheck = sa
    ? attrs('serviceaccounts', sa.name, { namespace: sa.namespace })
    : attrs('users', name);
  const saGroups = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`] : [];
  const base = groups.length === 0 ? saGroups : groups;
  return {
    checks: [userCheck, ...others],
    user: { name, ...(uid === '' ? {} : { uid }), groups: withAllGroup(name, base), extra },
  };
};

/** Upstream's addition of `system:authenticated` / `system:unauthenticated`. */
const withAllGroup = (name: string, groups: readonly string[]): string[] => {
  if (name === ANONYMOUS_USER.name) {
    return groups.includes('system:unauthenticated')
      ? [...groups]
      : [...groups, 'system:unauthenticated'];
  }
  return groups.includes('system:authenticated') || groups.includes('system:unauthenticated')
    ? [...groups]
    : [...groups, 'system:authenticated'];
};

const requestorOf = (identity: Identity | undefined): UserInfo =>
  identity === undefined || 'rejected' in identity
    ? ANONYMOUS_USER
    : { ...identity, extra: identity.extra ?? {} };

/** The app's `impersonate` hook over the authorizer; never rejects. */
export const impersonateWith =
  (authorize: Authorizer) =>
  async (headers: HeaderMap, identity: Identity | undefined): Promise<ImpersonationResult> => {
    const requested = requestedBy(headers);
    if (requested === undefined) return { kind: 'as', identity };
    if (typeof requested === 'string') return { kind: 'invalid', message: requested };
    const requestor = requestorOf(identity);
    for (const check of requested.checks) {
      const decision = await authorize(requestor, check);
      if (decision.kind !== 'allowed') {
        const reason = decision.kind === 'denied' ? decision.reason : '';
        return { kind: 'denied', attrs: check, reason };
      }
    }
    return { kind: 'as', identity: requested.user };
  };
