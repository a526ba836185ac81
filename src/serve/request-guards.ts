/**
 * The generic apiserver's protective filters, as pure pieces for serve.ts: the per-request
 * deadline (60s, lowered by `?timeout=`), the max-in-flight limiter (400 read-only, 200
 * mutating; `system:masters` exempt) and the Status responses those filters write.
 */
import { randomUUID } from 'node:crypto';
import { DurationError, parseGoDuration } from '../lib/go-fmt/go-fmt.ts';
import { headerValue, type ApiResponse, type HeaderMap, type UserInfo } from '../api/http-types.ts';
import { parseTarget } from '../api/go-query.ts';
import { render } from '../api/negotiate.ts';
import { failureStatus, type StatusResult } from '../api/status.ts';

/**
 * The deadline for a request: `defaultMs`, or a shorter positive `?timeout=` (Go duration).
 * A malformed timeout is a 400 Status.
 */
export const requestDeadlineMs = (target: string, defaultMs: number): number | StatusResult => {
  const value = parseTarget(target)?.query.get('timeout') ?? '';
  if (value === '') return defaultMs;
  try {
    const ms = parseGoDuration(value);
    return ms > 0 && ms < defaultMs ? ms : defaultMs;
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    return failureStatus(
      400,
      'BadRequest',
      `invalid timeout specified in the request URL - ${err.message}`,
    );
  }
};

export interface InFlightLimiter {
  /** A release function when a slot was free (or none is needed); undefined → answer 429. */
  tryAcquire(method: string, user: UserInfo | undefined): (() => void) | undefined;
}

const NOOP = (): void => undefined;

/**
 * Two pools as WithMaxInFlightLimit: GET/HEAD count as read-only, anything else as mutating;
 * a limit of 0 disables that pool's limit. Members of `system:masters` bypass both.
 */
export const createInFlightLimiter = (readOnly: number, mutating: number): InFlightLimiter => {
  const used = { readOnly: 0, mutating: 0 };
  return {
    tryAcquire: (method, user) => {
      if (user?.groups.includes('system:masters') === true) return NOOP;
      const pool = method === 'GET' || method === 'HEAD' ? 'readOnly' : 'mutating';
      const limit = pool === 'readOnly' ? readOnly : mutating;
      if (limit <= 0) return NOOP;
      if (used[pool] >= limit) return undefined;
      used[pool] += 1;
      let released = false;
      return () => {
        if (!released) used[pool] -= 1;
        released = true;
      };
    },
  };
};

/** A Status response rendered for the request (negotiation, Audit-Id, nosniff). */
export const statusResponse = (
  headers: HeaderMap,
  target: string,
  result: StatusResult,
  extra: Readonly<Record<string, string>> = {},
): ApiResponse => {
  const response = render(
    { kind: 'status', result },
    {
      accept: headerValue(headers, 'accept'),
      userAgent: headerValue(headers, 'user-agent'),
      query: parseTarget(target)?.query ?? new URLSearchParams(),
      auditId: headerValue(headers, 'audit-id') ?? randomUUID(),
    },
  );
  return { ...response, headers: { ...response.headers, ...extra } };
};
