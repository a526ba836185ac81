/**
 * What each seriesQuery's last relist call gave (series count or error), recorded by wrapping the
 * Prometheus client the relister uses; the status page reads it per rule.
 */
import type { PrometheusClient } from '../prometheus/types.ts';

export type QueryOutcome =
  | { readonly ok: true; readonly series: number; readonly at: number }
  | { readonly ok: false; readonly error: string; readonly at: number };

export interface RelistObservations {
  /** The client to give the relister. */
  readonly client: Pick<PrometheusClient, 'series'>;
  /** The last outcome of `seriesQuery`, undefined before its first call finished. */
  outcome(seriesQuery: string): QueryOutcome | undefined;
}

export const observeRelist = (
  client: Pick<PrometheusClient, 'series'>,
  now: () => number,
): RelistObservations => {
  const outcomes = new Map<string, QueryOutcome>();
  return {
    client: {
      series: async (query, start, signal) => {
        try {
          const series = await client.series(query, start, signal);
          outcomes.set(query, { ok: true, series: series.length, at: now() });
          return series;
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          outcomes.set(query, { ok: false, error, at: now() });
          throw err;
        }
      },
    },
    outcome: (q) => outcomes.get(q),
  };
};
