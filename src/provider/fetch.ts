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

/** Splits `deployments.apps` into resource and group as schema.ParseGroupResource does. */
export const splitGroupResource = (typed: string): { group: string; resource: string } => {
  const dot = typed.indexOf('.');
  return dot < 0
    ? { group: '', resource: typed }
    : { group: typed.slice(dot + 1), resource: typed.slice(0, dot) };
};
