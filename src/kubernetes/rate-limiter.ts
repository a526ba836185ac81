import { setTimeout as delay } from 'node:timers/promises';

/** Client-side request throttle (client-go flowcontrol). */
export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** Sustained requests per second; 0 means the client-go default 5, negative disables limiting. */
  readonly qps: number;
  /** Bucket size; 0 means the client-go default 10. */
  readonly burst: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_QPS = 5;
const DEFAULT_BURST = 10;

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal === undefined ? {} : { signal });
};

/**
 * A token bucket with reservations (golang.org/x/time/rate `Wait`): it starts full with `burst`
 * tokens, refills at `qps`, and each caller reserves a token immediately — going into debt — so
 * waiters are served in arrival order. An aborted waiter returns its token.
 */
export const createTokenBucket = (options: TokenBucketOptions): RateLimiter => {
  if (options.qps < 0) return { acquire: () => Promise.resolve() };
  const qps = options.qps === 0 ? DEFAULT_QPS : options.qps;
  const burst = options.burst <= 0 ? DEFAULT_BURST : options.burst;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let tokens = burst;
  let last = now();

  return {
    acquire: async (signal) => {
      signal?.throwIfAborted();
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) * qps) / 1000);
      last = t;
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        await sleep((-tokens * 1000) / qps, signal);
      } catch (err) {
        tokens += 1;
        throw err;
      }
    },
  };
};
