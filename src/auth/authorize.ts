/**
 * Delegated authorization (upstream-behaviour: authz), in order: the `system:masters` group; the
 * `--authorization-always-allow-paths` (non-resource requests only); a SubjectAccessReview whose
 * allow and deny answers are cached separately.
 */
import type { RequestAttributes } from '../api/request-info.ts';
import type { Logger } from '../log.ts';
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../kubernetes/reviews.ts';
import { compileAlwaysAllowPaths } from './always-allow-paths.ts';
import { SYSTEM_MASTERS, type UserInfo } from './identity.ts';
import { createReviewCacheKey } from './review-cache-key.ts';
import { createTtlCache } from './ttl-cache.ts';

/** What is being asked (apiserver authorizer.Attributes): the API layer's request attributes. */
export type AuthorizationAttributes = RequestAttributes;

/** The union's answer: `error` when the SubjectAccessReview could not be made (upstream: 500). */
export type Decision =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: Error };

/**
 * Decides whether `user` may do what `attrs` describe: at once when the answer is known
 * (`system:masters`, an always-allowed path, a cached review), else once the review is back.
 * Never throws or rejects.
 */
export type Authorizer = (
  user: UserInfo,
  attrs: AuthorizationAttributes,
) => Decision | Promise<Decision>;

const ALLOWED: Decision = Object.freeze({ kind: 'allowed' });

const decisionOf = (status: SubjectAccessReviewStatus): Decision => {
  if (status.allowed && status.denied) {
    const error = new Error('webhook subject access review returned both allow and deny response');
    return { kind: 'error', error };
  }
  return status.allowed ? ALLOWED : { kind: 'denied', reason: status.reason };
};

const nonEmpty = <T extends Record<string, string>>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')) as Partial<T>;

/** The SubjectAccessReview spec for one request, empty fields omitted as Go's JSON does. */
export const subjectAccessReviewSpec = (
  user: UserInfo,
  attrs: AuthorizationAttributes,
): SubjectAccessReviewSpec => ({
  ...(user.name === '' ? {} : { user: user.name }),
  ...(user.uid === undefined || user.uid === '' ? {} : { uid: user.uid }),
  ...(user.groups.length === 0 ? {} : { groups: user.groups }),
  ...(Object.keys(user.extra).length === 0 ? {} : { extra: user.extra }),
  ...(attrs.isResourceRequest
    ? {
        resourceAttributes: nonEmpty({
          namespace: attrs.namespace,
          verb: attrs.verb,
          group: attrs.apiGroup,
          version: attrs.apiVersion,
          resource: attrs.resource,
          subresource: attrs.subresource,
          name: attrs.name,
        }),
      }
    : { nonResourceAttributes: nonEmpty({ path: attrs.path, verb: attrs.verb }) }),
});

export interface AuthorizerOptions {
  readonly review: (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus>;
  /** Default `/healthz`, `/readyz`, `/livez`. */
  readonly alwaysAllowPaths?: readonly string[];
  /** `--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl` in ms (10 000 each). */
  readonly allowedTtlMs?: number;
  readonly deniedTtlMs?: number;
  /** Upper bound of cached answers (default 8192, as upstream's LRU). */
  readonly maxEntries?: number;
  readonly now?: () => number;
  readonly log: Logger;
}

/** Keys longer than this are not cached (upstream skips caching huge requester-chosen attributes). */
const MAX_CACHED_KEY = 10_000;
const DEFAULT_ALWAYS_ALLOW = ['/healthz', '/readyz', '/livez'];

/** Creates the authorization union. */
export const createAuthorizer = (options: AuthorizerOptions): Authorizer => {
  const alwaysAllowed = compileAlwaysAllowPaths(options.alwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW);
  const now = options.now ?? Date.now;
  const cache = createTtlCache<SubjectAccessReviewStatus>(options.maxEntries ?? 8192);
  const inFlight = new Map<string, Promise<SubjectAccessReviewStatus>>();
  const cacheKey = createReviewCacheKey();

  /** One review per key at a time; its answer is cached (errors are not). */
  const review = (
    key: string,
    user: UserInfo,
    attrs: AuthorizationAttributes,
  ): Promise<SubjectAccessReviewStatus> => {
    let pending = inFlight.get(key);
    if (pending !== undefined) return pending;
    const spec = subjectAccessReviewSpec(user, attrs);
    pending = new Promise<SubjectAccessReviewStatus>((resolve) => {
      resolve(options.review(spec));
    }).then((status) => {
      const ttl = status.allowed ? options.allowedTtlMs : options.deniedTtlMs;
      if (key.length <= MAX_CACHED_KEY) cache.set(key, status, now(), ttl ?? 10_000);
      return status;
    });
    const settled = pending.finally(() => inFlight.delete(key));
    settled.catch(() => undefined);
    inFlight.set(key, pending);
    return pending;
  };

  const failed = (err: unknown): Decision => {
    options.log.error('Failed to make webhook authorizer request', { error: err });
    return { kind: 'error', error: err instanceof Error ? err : new Error(String(err)) };
  };

  return (user, attrs) => {
    if (user.groups.includes(SYSTEM_MASTERS)) return ALLOWED;
    if (!attrs.isResourceRequest && alwaysAllowed(attrs.path)) return ALLOWED;
    const key = cacheKey(user, attrs);
    const cached = cache.get(key, now());
    if (cached !== undefined) return decisionOf(cached);
    return review(key, user, attrs).then(decisionOf, failed);
  };
};
