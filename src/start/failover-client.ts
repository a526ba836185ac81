/**
 * One backend over several URLs: each call tries the URLs in config order, moving on after a
 * connection error or a 5xx response. A URL that failed is remembered as down for `downForMs`
 * and tried last until then, so a dead Prometheus costs one failed connection per period, not one
 * per request. Switching the serving URL is logged once per switch; `onHealth` feeds
 * `prometheus_adapter_backend_up{backend,url}`. A query's `route.onTarget` is told the URL that
 * answered (a result, or an error no other URL would fix), or none when every URL failed.
 */
import type { Logger } from '../log.ts';
import type { HttpPrometheusClient } from '../prometheus/client.ts';
import { PrometheusError } from '../prometheus/errors.ts';
import type { QueryTarget } from '../prometheus/types.ts';

export interface FailoverOptions {
  readonly backend: string;
  readonly urls: readonly string[];
  readonly clientFor: (url: string) => HttpPrometheusClient;
  readonly now: () => number;
  readonly logger: Logger;
  /** How long a failed URL is tried last (default 30 s). */
  readonly downForMs?: number;
  readonly onHealth?: (backend: string, url: string, up: boolean) => void;
}

/** Errors another URL may not have: no response, a 503 `unavailable`, or another 5xx. */
export const isFailoverError = (err: unknown): boolean =>
  err instanceof PrometheusError &&
  (err.errorType === 'transport' ||
    err.errorType === 'unavailable' ||
    (err.errorType === 'bad_response' && /\bcode 5\d\d\b/.test(err.detail)));

export const createFailoverClient = (options: FailoverOptions): HttpPrometheusClient => {
  const { backend, urls, logger, now } = options;
  const downForMs = options.downForMs ?? 30_000;
  const clients = urls.map((url) => ({
    url,
    client: options.clientFor(url),
    downUntil: 0,
    up: undefined as boolean | undefined,
  }));
  let serving: string | undefined;

  const ordered = () => {
    const t = now();
    return [...clients.filter((c) => c.downUntil <= t), ...clients.filter((c) => c.downUntil > t)];
  };

  const attempt = async <T>(
    call: (client: HttpPrometheusClient) => Promise<T>,
    signal?: AbortSignal,
    onTarget?: (target: QueryTarget) => void,
  ): Promise<T> => {
    let last: unknown;
    for (const entry of ordered()) {
      try {
        const result = await call(entry.client);
        onTarget?.({ name: backend, url: entry.url });
        if (entry.up !== true) options.onHealth?.(backend, entry.url, true);
        entry.up = true;
        entry.downUntil = 0;
        if (serving !== undefined && serving !== entry.url) {
          logger.info('backend switched URL', { backend, from: serving, to: entry.url });
        }
        serving = entry.url;
        return result;
      } catch (err) {
        if (signal?.aborted === true || !isFailoverError(err)) {
          // An answer (an error no other URL would fix), or the caller gave up.
          onTarget?.({ name: backend, ...(signal?.aborted === true ? {} : { url: entry.url }) });
          throw err;
        }
        if (entry.downUntil <= now()) {
          logger.info('backend URL failed; trying the next', { backend, url: entry.url, err }, 2);
        }
        entry.downUntil = now() + downForMs;
        if (entry.up !== false) options.onHealth?.(backend, entry.url, false);
        entry.up = false;
        last = err;
      }
    }
    onTarget?.({ name: backend });
    throw last;
  };

  return {
    series: (match, start, signal) => attempt((c) => c.series(match, start, signal), signal),
    query: (promql, time, signal, route) =>
      attempt((c) => c.query(promql, time, signal), signal, route?.onTarget),
    close: async () => {
      await Promise.all(clients.map((c) => c.client.close()));
    },
  };
};
