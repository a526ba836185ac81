/**
 * Test support for the explain engine: a real config compiled against the fake resource map, a
 * fake series source and a fake Prometheus (query answers by PromQL), the index built by the real
 * relist code, and the engine's deps wired as the adapter wires them (start/explain-wiring.ts).
 */
import { loadConfigWithPositions } from '../../src/config/load.ts';
import { buildIndex, contributionOf } from '../../src/discovery/metric-index.ts';
import type { ExplainDeps } from '../../src/explain/deps.ts';
import { silentLogger } from '../../src/log.ts';
import type { QueryResult, QueryRoute, QueryTarget, Series } from '../../src/prometheus/types.ts';
import { compileState } from '../../src/rules/rules-state.ts';
import { explainDeps } from '../../src/start/explain-wiring.ts';
import { fakeResourceMap } from './fake-resource-map.ts';
import { shapesOf } from '../../src/prometheus/series-shapes.ts';

export const EXPLAIN_CONFIG = `rules:
- seriesQuery: '{__name__=~"^http_requests_total$",namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: namespace}
      pod: {resource: pod}
  name:
    matches: "^(.*)_total$"
    as: "\${1}_per_second"
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
- seriesQuery: '{__name__=~"^jobs_.*",namespace!=""}'
  seriesFilters:
  - isNot: "^jobs_failed_total$"
  resources:
    template: "<<.Resource>>"
  name:
    matches: "^jobs_(.*)_total$"
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
- seriesQuery: '{__name__="node_load1"}'
  resources:
    overrides:
      node: {resource: node}
  metricsQuery: 'max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
- seriesQuery: '{__name__="queue_depth"}'
  resources:
    template: "<<.Resource>>"
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
externalRules:
- seriesQuery: '{__name__="queue_messages"}'
  resources:
    overrides:
      namespace: {resource: namespace}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)'
`;

/** resourceRules for metrics.k8s.io: cpu_usage / mem_usage with `pod`, `namespace`, `node`. */
export const RESOURCE_RULES = `resourceRules:
  cpu:
    containerQuery: 'sum(cpu_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    nodeQuery: 'sum(cpu_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    resources:
      template: "<<.Resource>>"
    containerLabel: container
  memory:
    containerQuery: 'sum(mem_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    nodeQuery: 'sum(mem_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    resources:
      template: "<<.Resource>>"
    containerLabel: container
  window: 1m
`;

export const EXPLAIN_SERIES: readonly Series[] = [
  { name: 'http_requests_total', labels: { namespace: 'default', pod: 'a' } },
  { name: 'jobs_failed_total', labels: { namespace: 'default', pod: 'a' } },
  { name: 'jobs_done_count', labels: { namespace: 'default', pod: 'a' } },
  { name: 'jobs_ok_total', labels: { namespace: 'default', job: 'j1' } },
  { name: 'node_load1', labels: { node: 'n1' } },
  { name: 'queue_messages', labels: { namespace: 'default', queue: 'q1' } },
];

/** The series a seriesQuery of EXPLAIN_CONFIG selects (by the name it pins or prefixes). */
export const selects = (query: string, s: Series): boolean => {
  const exact = /__name__=~?"\^?([a-z0-9_]+)\$?"/.exec(query)?.[1];
  if (query.includes('^jobs_.*')) return s.name.startsWith('jobs_');
  return exact !== undefined && s.name === exact;
};

export const NOW_MS = 1_700_000_000_000;

export interface FixtureOptions {
  readonly series?: readonly Series[];
  /** PromQL → answer; anything else is an error. */
  readonly answers?: ReadonlyMap<string, QueryResult>;
  readonly names?: readonly string[];
  /** seriesQueries whose calls fail. */
  readonly failing?: readonly string[];
  /** Build the index from these series instead (a stale index). */
  readonly indexSeries?: readonly Series[];
  /** Add RESOURCE_RULES, running pods a, b in default and node n1. */
  readonly resourceRules?: boolean;
  /** The whole config instead of EXPLAIN_CONFIG (pods and node as with `resourceRules`). */
  readonly config?: string;
}

/**
 * What the fake backend router tells a query (start/backends.ts is tested on its own): the
 * route's backend, answered by `http://<backend>.test`; a config backend's namespaced query sends
 * tenant `team-<namespace>`.
 */
export const fakeTarget = (route: QueryRoute | undefined): QueryTarget => {
  const name = route?.backend ?? 'default';
  const ns = route?.namespace ?? '';
  const tenant = name !== 'default' && ns !== '';
  return {
    name,
    url: `http://${name}.test`,
    ...(tenant ? { tenant: { header: 'X-Tenant', value: `team-${ns}` } } : {}),
  };
};

export const explainFixture = (o: FixtureOptions = {}) => {
  const text =
    o.config ?? (o.resourceRules === true ? `${EXPLAIN_CONFIG}${RESOURCE_RULES}` : EXPLAIN_CONFIG);
  const loaded = loadConfigWithPositions(text, 'config.yaml');
  const pods = ['a', 'b'].map((name) => ({
    name,
    namespace: 'default',
    labels: { app: 'x' },
    creationTimestamp: '',
  }));
  const nodes = [{ name: 'n1', labels: {} }];
  const state = compileState(loaded, fakeResourceMap);
  const all = o.series ?? EXPLAIN_SERIES;
  const of = (q: string, from: readonly Series[]) => shapesOf(from.filter((s) => selects(q, s)));
  const index = buildIndex(
    state.rules.map((r) => contributionOf(r, of(r.seriesQuery, o.indexSeries ?? all))),
    NOW_MS,
  );
  const asked: { promql: string; time: number }[] = [];
  /** Each series call: its query and the backend it was asked of. */
  const seriesAsked: { query: string; backend: string | undefined }[] = [];
  const deps: ExplainDeps = explainDeps({
    state: () => state,
    loaded: () => loaded,
    index: () => index,
    prometheus: {
      series: (q, _start, _signal, route) => {
        seriesAsked.push({ query: q, backend: route?.backend });
        return o.failing?.includes(q)
          ? Promise.reject(new Error('server error: 503'))
          : Promise.resolve(of(q, all));
      },
      query: (promql, time, _signal, route) => {
        asked.push({ promql, time });
        route?.onTarget?.(fakeTarget(route));
        const a = o.answers?.get(promql);
        return a ? Promise.resolve(a) : Promise.reject(new Error(`unexpected query ${promql}`));
      },
    },
    listObjectNames: () => Promise.resolve(o.names ?? ['a', 'b']),
    ...(state.resourceRules !== undefined
      ? {
          caches: () => ({
            pods: {
              items: () => pods,
              get: (key: string) => pods.find((p) => `default/${p.name}` === key),
            },
            nodes: { items: () => nodes, get: (key: string) => nodes.find((n) => n.name === key) },
          }),
        }
      : {}),
    maxAgeMs: 600_000,
    now: () => NOW_MS,
    logger: silentLogger(),
  });
  return { deps, asked, seriesAsked, state, loaded };
};

/** A vector result: [label, name, value] per sample. */
export const vectorOf = (samples: readonly [Record<string, string>, number][]): QueryResult => ({
  type: 'vector',
  samples: samples.map(([labels, value]) => ({ labels, timestamp: NOW_MS / 1000, value })),
});
