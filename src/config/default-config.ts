/**
 * The rules prometheus-adapter's `config-gen` produces: a config equivalent to the adapter's
 * pre-config (v0.1/v0.2) behaviour. cAdvisor `container_*` series map to pods via the `pod` and
 * `namespace` labels; other series map through `<prefix><<.Resource>>` labels; series ending
 * in `_total` become rates over the given interval.
 */
import { formatPromDuration } from '../lib/go-fmt/go-fmt.ts';
import { deepFreeze } from './load.ts';
import type { AdapterConfig, DiscoveryRule, ResourceRule } from './types.ts';

const CONTAINER_SERIES = '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}';
const CONTAINER_RESOURCES = {
  overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } },
} as const;
const NODE_OVERRIDES = {
  instance: { resource: 'node' },
  namespace: { resource: 'namespace' },
  pod: { resource: 'pod' },
} as const;

const containerRules = (rate: string): DiscoveryRule[] => {
  const rateQuery = `sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[${rate}])) by (<<.GroupBy>>)`;
  return [
    {
      seriesQuery: CONTAINER_SERIES,
      resources: CONTAINER_RESOURCES,
      name: { matches: '^container_(.*)_seconds_total$' },
      metricsQuery: rateQuery,
    },
    {
      seriesQuery: CONTAINER_SERIES,
      seriesFilters: [{ isNot: '^container_.*_seconds_total$' }],
      resources: CONTAINER_RESOURCES,
      name: { matches: '^container_(.*)_total$' },
      metricsQuery: rateQuery,
    },
    {
      seriesQuery: CONTAINER_SERIES,
      seriesFilters: [{ isNot: '^container_.*_total$' }],
      resources: CONTAINER_RESOURCES,
      name: { matches: '^container_(.*)$' },
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>,container!="POD"}) by (<<.GroupBy>>)',
    },
  ];
};

const labelledRules = (rate: string, prefix: string): DiscoveryRule[] => {
  const seriesQuery = `{${prefix}namespace!="",__name__!~"^container_.*"}`;
  const resources = { template: `${prefix}<<.Resource>>` };
  const rateQuery = `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${rate}])) by (<<.GroupBy>>)`;
  return [
    {
      seriesQuery,
      seriesFilters: [{ isNot: '.*_total$' }],
      resources,
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
    },
    {
      seriesQuery,
      seriesFilters: [{ isNot: '.*_seconds_total' }],
      resources,
      name: { matches: '^(.*)_total$' },
      metricsQuery: rateQuery,
    },
    { seriesQuery, resources, name: { matches: '^(.*)_seconds_total$' }, metricsQuery: rateQuery },
  ];
};

const resourceRule = (containerQuery: string, nodeQuery: string, prefix: string): ResourceRule => ({
  containerQuery,
  nodeQuery,
  resources: { overrides: NODE_OVERRIDES },
  containerLabel: `${prefix}container`,
});

/**
 * The config-gen default config for a rate interval (milliseconds, printed as a Prometheus
 * duration such as `5m` or `1m30s`) and a label prefix (`kube_` → `kube_namespace`,
 * `kube_<<.Resource>>`). The result is in the loader's canonical form, so
 * `loadConfig(renderConfigYaml(defaultConfig(r, p)))` deep-equals it. Deeply frozen.
 */
export const defaultConfig = (rateIntervalMs: number, labelPrefix: string): AdapterConfig => {
  const rate = formatPromDuration(rateIntervalMs);
  const cpuRate = `rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>`;
  return deepFreeze({
    rules: [...containerRules(rate), ...labelledRules(rate, labelPrefix)],
    externalRules: [],
    resourceRules: {
      cpu: resourceRule(
        `sum(${cpuRate}}[${rate}])) by (<<.GroupBy>>)`,
        `sum(${cpuRate}, id='/'}[${rate}])) by (<<.GroupBy>>)`,
        labelPrefix,
      ),
      memory: resourceRule(
        'sum(container_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
        "sum(container_memory_working_set_bytes{<<.LabelMatchers>>,id='/'}) by (<<.GroupBy>>)",
        labelPrefix,
      ),
      window: rate,
    },
  });
};
