/**
 * TokenReview (authentication.k8s.io/v1) and SubjectAccessReview (authorization.k8s.io/v1)
 * calls for delegated authentication and authorization, with the webhook retry policy of the
 * apiserver (500 ms × 1.5, 5 attempts, on transient errors) inside a 10 s budget.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeClient } from './client.ts';
import { KubernetesError } from './kubernetes-error.ts';

/** The user a TokenReview reports (authentication.k8s.io/v1 UserInfo). */
export interface ReviewedUser {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** TokenReviewStatus, normalised (absent fields become empty values). */
export interface TokenReviewStatus {
  readonly authenticated: boolean;
  readonly user: ReviewedUser;
  readonly error: string;
}

/** SubjectAccessReviewSpec; empty fields are omitted, as Go's `omitempty` does. */
export interface SubjectAccessReviewSpec {
  readonly user?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly resourceAttributes?: Readonly<Partial<Record<ResourceAttributeKey, string>>>;
  readonly nonResourceAttributes?: { readonly path?: string; readonly verb?: string };
}

export type ResourceAttributeKey =
  'namespace' | 'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'name';

/** SubjectAccessReviewStatus, normalised. */
export interface SubjectAccessReviewStatus {
  readonly allowed: boolean;
  readonly denied: boolean;
  readonly reason: string;
  readonly evaluationError: string;
}

/** The two reviews (plain functions, safe to pass around); both throw KubernetesError once retries are exhausted. */
export interface ReviewClient {
  readonly tokenReview: (token: string) => Promise<TokenReviewStatus>;
  readonly subjectAccessReview: (
    spec: SubjectAccessReviewSpec,
  ) => Promise<SubjectAccessReviewStatus>;
}

export interface ReviewClientOptions {
  /** Budget for one review including retries (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Attempts (default 5), first delay (500 ms) and growth factor (1.5), ±20 % jitter. */
  readonly steps?: number;
  readonly initialDelayMs?: number;
  readonly factor?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

type Dict = Readonly<Record<string, unknown>>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (d: Dict, key: string): string => (typeof d[key] === 'string' ? d[key] : '');
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const statusOf = (body: unknown, kind: string): Dict => {
  if (!isDict(body) || !isDict(body['status'])) {
    throw new KubernetesError(0, '', `malformed ${kind} response: no status`);
  }
  return body['status'];
};

/** Parses a TokenReview response body. */
export const parseTokenReview = (body: unknown): TokenReviewStatus => {
  const status = statusOf(body, 'TokenReview');
  const user = isDict(status['user']) ? status['user'] : {};
  const rawExtra = isDict(user['extra']) ? user['extra'] : {};
  const extra = Object.fromEntries(Object.entries(rawExtra).map(([k, v]) => [k, strings(v)]));
  return {
    authenticated: status['authenticated'] === true,
    user: {
      username: str(user, 'username'),
      uid: str(user, 'uid'),
      groups: strings(user['groups']),
      extra,
    },
    error: str(status, 'error'),
  };
};

/** Parses a SubjectAccessReview response body. */
export const parseSubjectAccessReview = (body: unknown): SubjectAccessReviewStatus => {
  const status = statusOf(body, 'SubjectAccessReview');
  return {
    allowed: status['allowed'] === true,
    denied: status['denied'] === true,
    reason: str(status, 'reason'),
    evaluationError: str(status, 'evaluationError'),
  };
};

/**
 * webhook.DefaultShouldRetry: connection failures, 500 InternalError, timeouts and 429 are
 * transient; other answers (401, 403, 404 …) are final.
 */
export const isTransient = (err: unknown): boolean =>
  err instanceof KubernetesError &&
  (err.status === 0 ||
    err.status === 429 ||
    err.status === 500 ||
    err.status === 504 ||
    err.reason === 'Timeout' ||
    err.reason === 'ServerTimeout');

const defaultSleep = async (ms: number, signal: AbortSignal): Promise<void> => {
  await delay(ms, undefined, { signal });
};

/** Creates the review client over a KubeClient's `postJson`. */
export const createReviewClient = (
  client: Pick<KubeClient, 'postJson'>,
  options: ReviewClientOptions = {},
): ReviewClient => {
  const { timeoutMs = 10_000, steps = 5, initialDelayMs = 500, factor = 1.5 } = options;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  const post = async (path: string, body: unknown): Promise<unknown> => {
    const signal = AbortSignal.timeout(timeoutMs);
    let wait = initialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await client.postJson(path, body, { signal });
      } catch (err) {
        if (attempt >= steps || !isTransient(err) || signal.aborted) throw err;
        const pause = wait * (1 + 0.2 * (2 * random() - 1));
        await sleep(pause, signal).catch(() => Promise.reject(err as Error));
      }
      wait *= factor;
    }
  };

  return {
    tokenReview: async (token) =>
      parseTokenReview(
        await post('/apis/authentication.k8s.io/v1/tokenreviews', {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token },
        }),
      ),
    subjectAccessReview: async (spec) =>
      parseSubjectAccessReview(
        await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec,
        }),
      ),
  };
};
