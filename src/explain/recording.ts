/** Taps that record what the providers ask Prometheus (and which backend) and the Kubernetes API. */
import type { QueryResult, QueryRoute, QueryTarget } from '../prometheus/types.ts';
import type { ExplainDeps, ExplainTaps } from './deps.ts';
import type { QueryRecord, RawSample } from './types.ts';

export interface Recording {
  readonly taps: ExplainTaps;
  readonly queries: QueryRecord[];
  /** Each listing's names, in call order. */
  readonly listings: (readonly string[])[];
}

const rawSamples = (result: QueryResult): RawSample[] => {
  switch (result.type) {
    case 'vector':
      return result.samples.map((s) => ({
        labels: s.labels,
        timestamp: s.timestamp,
        value: String(s.value),
      }));
    case 'scalar':
      return [{ labels: {}, timestamp: result.timestamp, value: String(result.value) }];
    case 'matrix':
      return [];
  }
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const recording = (deps: ExplainDeps, nowMs: number): Recording => {
  const queries: QueryRecord[] = [];
  const listings: (readonly string[])[] = [];
  const taps: ExplainTaps = {
    now: () => nowMs,
    prometheus: {
      // Recorded in the order they were sent (concurrent queries may answer in any order).
      // Each with the backend, URL and tenant it went to, as the backend router tells them.
      query: async (promql, time, signal, route) => {
        const at = queries.push({ promql, time, samples: [] }) - 1;
        let target: QueryTarget | undefined;
        const told: QueryRoute = {
          ...route,
          onTarget: (t) => {
            target = t;
            route?.onTarget?.(t);
          },
        };
        const where = () => (target === undefined ? {} : { backend: target });
        try {
          const result = await deps.prometheus.query(promql, time, signal, told);
          const samples = rawSamples(result);
          queries[at] = { promql, ...where(), time, resultType: result.type, samples };
          return result;
        } catch (err) {
          queries[at] = { promql, ...where(), time, samples: [], error: message(err) };
          throw err;
        }
      },
    },
    listObjectNames: async (info, namespace, selector, signal) => {
      const names = await deps.listObjectNames(info, namespace, selector, signal);
      listings.push(names);
      return names;
    },
  };
  return { taps, queries, listings };
};
