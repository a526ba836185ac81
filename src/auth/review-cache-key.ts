/**
 * The authorizer's cache key: everything a SubjectAccessReview spec is made of, as one
 * unambiguous string, built without building the spec.
 */
import type { RequestAttributes as AuthorizationAttributes } from '../api/request-info.ts';
import type { UserInfo } from './identity.ts';

/** The user's part of a cache key, unambiguous (JSON never holds a raw newline). */
const userKey = (user: UserInfo): string =>
  JSON.stringify([user.name, user.uid ?? '', user.groups, user.extra]);

const field = (s: string): string => `${s.length}:${s}`;

/** The attributes' part of a cache key, length-prefixed; `path` only matters for non-resource requests. */
const attributesKey = (a: AuthorizationAttributes): string =>
  `${a.isResourceRequest ? 'r' : `n${field(a.path)}`}${field(a.verb)}${field(a.apiGroup)}` +
  `${field(a.apiVersion)}${field(a.namespace)}${field(a.resource)}${field(a.subresource)}` +
  field(a.name);

/**
 * Returns `keyOf(user, attrs)`: requests whose specs differ never share a key. The user's
 * part is remembered per UserInfo object (UserInfo is immutable), as a cached token or a
 * connection's front-proxy identity hands the same object to every request.
 */
export const createReviewCacheKey = (): ((
  user: UserInfo,
  attrs: AuthorizationAttributes,
) => string) => {
  const byUser = new WeakMap<UserInfo, string>();
  return (user, attrs) => {
    let own = byUser.get(user);
    if (own === undefined) {
      own = userKey(user);
      byUser.set(user, own);
    }
    return `${own}\n${attributesKey(attrs)}`;
  };
};
