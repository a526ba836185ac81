/**
 * The provider side's one way to run a built query: Prometheus failures become the generic
 * `unable to fetch metrics` 500 (details only in logs, never to clients), as upstream. The
 * route (the rule's backend, the request namespace) selects the backend and tenant.
 */
import { ApiError, internalError } from '../api/errors.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient, QueryResult, QueryRoute } from '../prometheus/types.ts';

export const fetchMetrics = async (
  prometheus: Pick<PrometheusClient, 'query'>,
  query: string,
  at: {
    readonly nowMs: number;
    readonly signal: AbortSignal;
    readonly logger: Logger;
    readonly route?: QueryRoute;
  },
): Promise<QueryResult> => {
  try {
    return await prometheus.query(query, at.nowMs / 1000, at.signal, at.route);
  } catch (err) {
    // Already a client-facing Status (e.g. no tenant for a root-scoped request).
    if (err instanceof ApiError) throw err;
    at.logger.error('prometheus query failed', { query, err });
    throw internalError('unable to fetch metrics', { cause: err });
  }
};
