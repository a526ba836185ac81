/**
 * The provider side's one way to run a built query: Prometheus failures become the generic
 * `unable to fetch metrics` 500 (details only in logs, never to clients), as upstream.
 */
import { internalError } from '../api/errors.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient, QueryResult } from '../prometheus/types.ts';

export const fetchMetrics = async (
  prometheus: Pick<PrometheusClient, 'query'>,
  query: string,
  at: { readonly nowMs: number; readonly signal: AbortSignal; readonly logger: Logger },
): Promise<QueryResult> => {
  try {
    return await prometheus.query(query, at.nowMs / 1000, at.signal);
  } catch (err) {
    at.logger.error('prometheus query failed', { query, err });
    throw internalError('unable to fetch metrics', { cause: err });
  }
};
