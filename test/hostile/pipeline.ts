/**
 * The real query path for the hostile-input properties: a YAML config loaded by the real loader
 * (the default rules plus rules that paste `.LabelValuesByName` and external rules), compiled
 * against the fake resource map, indexed from a fixed set of series, and served by the real
 * custom, external and resource providers. The only fake is Prometheus (it records each query and
 * answers with whatever samples the test set for it) and the object lister / informers, which
 * hand out whatever names the test generated. These fakes stand in for servers a property test
 * cannot run a million times; they do not build or check PromQL.
 */
import { defaultConfig } from '../../src/config/default-config.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { AdapterConfig } from '../../src/config/types.ts';
import { buildIndex, contributionOf } from '../../src/discovery/metric-index.ts';
import type { NodeMeta, PodMeta } from '../../src/kubernetes/metadata-informers.ts';
import { silentLogger } from '../../src/log.ts';
import type { QueryResult, Sample, Series } from '../../src/prometheus/types.ts';
import { createCustomProvider } from '../../src/provider/custom.ts';
import { createExternalProvider } from '../../src/provider/external.ts';
import { createResourceProvider } from '../../src/provider/resource.ts';
import { compileResourceRules } from '../../src/rules/compile-resource-rules.ts';
import { compileRules } from '../../src/rules/compile-rules.ts';
import { fakeResourceMap } from '../support/fake-resource-map.ts';
import { shapesOf } from '../../src/prometheus/series-shapes.ts';

/** Rules beyond the defaults: `.LabelValuesByName` pasted into regex matchers; external rules. */
const EXTRA_RULES = `
rules:
- seriesQuery: 'by_values_gauge{namespace!="",pod!=""}'
  resources: {template: "<<.Resource>>"}
  metricsQuery: >-
    max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
    * on(<<.GroupBy>>) group_left()
    max(<<.Series>>{namespace=~"<<index .LabelValuesByName "namespace">>",pod=~"<<index .LabelValuesByName "pod">>"}) by (<<.GroupBy>>)
externalRules:
- seriesQuery: 'queue_depth{namespace!=""}'
  resources: {overrides: {namespace: {resource: namespace}}}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
- seriesQuery: 'cluster_load'
  resources: {namespaced: false}
  metricsQuery: 'max(<<.Series>>{<<.LabelMatchers>>})'
`;

const SERIES: readonly Series[] = [
  { name: 'http_requests_total', labels: { namespace: 'n', pod: 'p', service: 's' } },
  { name: 'node_temperature', labels: { node: 'n1', namespace: 'x' } },
  { name: 'by_values_gauge', labels: { namespace: 'n', pod: 'p' } },
  { name: 'queue_depth', labels: { namespace: 'n', queue: 'q' } },
  { name: 'cluster_load', labels: {} },
  { name: 'container_cpu_usage_seconds_total', labels: { namespace: 'n', pod: 'p' } },
];

/** What Prometheus would answer each seriesQuery of the config with. */
const seriesFor = (seriesQuery: string, extra: readonly Series[]): readonly Series[] => {
  const all = [...SERIES, ...extra];
  const named = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(seriesQuery)?.[0];
  if (named !== undefined) return all.filter((s) => s.name === named);
  const containers = seriesQuery.includes('=~"^container_');
  return all.filter(
    (s) => s.name.startsWith('container_') === containers && s.labels['namespace'] !== undefined,
  );
};

export const config = (): AdapterConfig => {
  const base = defaultConfig(60_000, '');
  const extra = loadConfig(EXTRA_RULES, 'hostile-rules.yaml');
  return {
    ...base,
    rules: [...base.rules, ...extra.rules],
    externalRules: extra.externalRules,
  };
};

/** A fake Prometheus that records every query and answers with the samples set for the case. */
export interface RecordingPrometheus {
  readonly queries: string[];
  /** Samples for the next queries: built from the label the objects are in and their names. */
  answer: (query: string) => QueryResult;
  query(query: string): Promise<QueryResult>;
}

const recordingPrometheus = (): RecordingPrometheus => {
  const fake: RecordingPrometheus = {
    queries: [],
    answer: () => ({ type: 'vector', samples: [] }),
    query: (q) => {
      fake.queries.push(q);
      return Promise.resolve(fake.answer(q));
    },
  };
  return fake;
};

export const sampleOf = (labels: Record<string, string>, value = 1): Sample => ({
  labels,
  value,
  timestamp: 1_700_000_000,
});

/** Everything the properties drive; `objects`, `pods`, `nodes` are set per case. */
export const createPipeline = () => {
  const cfg = config();
  const compiled = compileRules(cfg, fakeResourceMap, { strictPromql: true });
  const resourceRules =
    cfg.resourceRules &&
    compileResourceRules(cfg.resourceRules, fakeResourceMap, { strictPromql: true });
  const usageRules = resourceRules?.rules;
  if (compiled.problems.length > 0 || usageRules === undefined) {
    throw new Error(`pipeline config: ${JSON.stringify([compiled, resourceRules?.problems])}`);
  }
  const indexWith = (extra: readonly Series[]) =>
    buildIndex(
      compiled.rules.map((r) => contributionOf(r, shapesOf(seriesFor(r.seriesQuery, extra)))),
      0,
    );
  let index = indexWith([]);
  const prometheus = recordingPrometheus();
  const state = {
    objects: [] as readonly string[],
    listedWith: [] as string[],
    pods: [] as PodMeta[],
    nodes: [] as NodeMeta[],
  };
  const logger = silentLogger();
  const now = () => 1_700_000_000_000;
  const custom = createCustomProvider({
    index: () => index,
    resources: () => fakeResourceMap,
    prometheus,
    listObjectNames: (_info, _namespace, selector) => {
      state.listedWith.push(selector);
      return Promise.resolve(state.objects);
    },
    now,
    logger,
  });
  const external = createExternalProvider({ index: () => index, prometheus, now, logger });
  const keyed = <T>(items: () => readonly T[], key: (t: T) => string) => ({
    items,
    get: (k: string) => items().find((i) => key(i) === k),
  });
  const resource = createResourceProvider({
    pods: keyed(
      () => state.pods,
      (p) => `${p.namespace}/${p.name}`,
    ),
    nodes: keyed(
      () => state.nodes,
      (n) => n.name,
    ),
    rules: () => usageRules,
    prometheus,
    now,
    logger,
  });
  return {
    index: () => index,
    /** Rebuilds the index as if Prometheus had also reported `extra`. */
    reindex: (extra: readonly Series[]) => {
      index = indexWith(extra);
    },
    prometheus,
    state,
    custom,
    external,
    resource,
  };
};

export type Pipeline = ReturnType<typeof createPipeline>;
