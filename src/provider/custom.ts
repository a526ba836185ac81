/**
 * CustomMetricsProvider (upstream-behaviour: custom) on the index + Prometheus: find the rule that
 * produced the metric, build its query for the requested objects, run it, and map samples back to
 * objects through the resource label.
 */
import type {
  CustomMetricDescriptor,
  CustomMetricRequest,
  CustomMetricsProvider,
  CustomMetricValue,
} from '../api/provider.ts';
import { internalError, metricNotFound } from '../api/errors.ts';
import type { MetricIndex, CustomEntry } from '../discovery/metric-index.ts';
import type { ResourceInfo, ResourceMap } from '../kubernetes/types.ts';
import { groupResourceString } from '../kubernetes/types.ts';
import { formatLabelSelector } from '../kubernetes/label-selector.ts';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { quantityFromFloat } from '../kubernetes/quantity.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient, Sample } from '../prometheus/types.ts';
import { buildQuery } from '../query/build.ts';
import { fetchMetrics } from './fetch.ts';
import { countNonFinite, observed, type RuleObserver } from './rule-observer.ts';
import { parseGroupResource } from '../kubernetes/resource-map.ts';
import type { QueryBatcher } from './batched.ts';

export interface CustomProviderDeps {
  readonly index: () => MetricIndex;
  readonly resources: () => ResourceMap;
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  /** Names of the objects matching `selector` (a formatted label selector), in API order. */
  readonly listObjectNames: (
    info: ResourceInfo,
    namespace: string,
    selector: string,
    signal: AbortSignal,
  ) => Promise<readonly string[]>;
  readonly now: () => number;
  readonly logger: Logger;
  /** Per-rule health: query outcome and latency, dropped objects, NaN/Inf samples. */
  readonly observer?: RuleObserver;
  /** Answers requests differing only in their objects from one query (provider/batched.ts). */
  readonly batcher?: QueryBatcher;
}

interface Resolved {
  readonly info: ResourceInfo;
  readonly entry: CustomEntry;
}

const resolve = (deps: CustomProviderDeps, request: CustomMetricRequest): Resolved => {
  const info = deps.resources().resolve(parseGroupResource(request.resource));
  const entry = info && deps.index().findCustom(info, request.namespace !== '', request.metric);
  if (info === undefined || entry === undefined) {
    throw metricNotFound(request.metric, request.resource);
  }
  return { info, entry };
};

const describe = (info: ResourceInfo, namespace: string, name: string) => ({
  kind: info.kind,
  ...(namespace === '' ? {} : { namespace }),
  name,
  apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`,
});

/** Builds, runs and indexes the samples by object name (the last sample for a name wins). */
const samplesByName = async (
  deps: CustomProviderDeps,
  target: Resolved & { readonly request: CustomMetricRequest; readonly names: readonly string[] },
  signal: AbortSignal,
): Promise<Map<string, Sample>> => {
  const { entry, request } = target;
  let build: (names: readonly string[]) => string;
  let label: string;
  try {
    label = entry.rule.labelFor(entry.groupResource);
    const namespace =
      request.namespace === ''
        ? undefined
        : {
            label: entry.rule.labelFor({ group: '', resource: 'namespaces' }),
            value: request.namespace,
          };
    const objectLabel = label;
    build = (names) =>
      buildQuery(entry.rule.metricsQuery, {
        series: entry.seriesName,
        metricSelector: request.metricSelector,
        ...(namespace === undefined ? {} : { namespace }),
        objects: { label: objectLabel, names },
      });
    build(target.names);
  } catch (err) {
    deps.logger.info('unable to build query', { rule: entry.rule.path, err }, 2);
    throw metricNotFound(request.metric, request.resource);
  }
  const nowMs = deps.now();
  const route = { backend: entry.rule.backend, namespace: request.namespace };
  const run = (query: string, atMs: number, querySignal: AbortSignal) =>
    fetchMetrics(deps.prometheus, query, {
      nowMs: atMs,
      signal: querySignal,
      logger: deps.logger,
      route,
    });
  // The route (backend, and the namespace that picks the tenant) is part of the key: a batch
  // never answers one tenant's request with another's query.
  const key = [
    entry.rule.backend ?? '',
    entry.rule.path,
    entry.seriesName,
    groupResourceString(entry.groupResource),
    request.namespace,
    formatLabelSelector(request.metricSelector),
    label,
  ].join('\u0000');
  const batcher = deps.batcher;
  const result = await observed(deps.observer, entry.rule, async () => {
    if (batcher === undefined) return run(build(target.names), nowMs, signal);
    const answer = await batcher.run(
      { key, label, names: target.names, build, nowMs, run },
      signal,
    );
    if (answer.outcome !== undefined) deps.observer?.batched?.(entry.rule, answer.outcome);
    return answer.result;
  });
  if (result.type !== 'vector') {
    deps.logger.error('custom metrics query returned a non-vector', { type: result.type });
    throw internalError('unable to fetch metrics');
  }
  const byName = new Map<string, Sample>();
  for (const s of result.samples) {
    const name = s.labels[label];
    if (name !== undefined) byName.set(name, s);
  }
  return byName;
};

const valueOf = (
  info: ResourceInfo,
  namespace: string,
  name: string,
  metric: string,
  sample: Sample,
): CustomMetricValue => ({
  describedObject: describe(info, namespace, name),
  metricName: metric,
  timestamp: sample.timestamp,
  value: quantityFromFloat(sample.value, 'DecimalSI'),
});

/** Reports objects without a sample and NaN/Inf samples among those served. */
const observeServed = (
  deps: CustomProviderDeps,
  entry: CustomEntry,
  names: readonly string[],
  byName: ReadonlyMap<string, Sample>,
): void => {
  const found = names.flatMap((n) => byName.get(n) ?? []);
  if (found.length < names.length) deps.observer?.dropped(entry.rule, names.length - found.length);
  countNonFinite(
    deps.observer,
    entry.rule,
    found.map((s) => s.value),
  );
};

export const createCustomProvider = (deps: CustomProviderDeps): CustomMetricsProvider => ({
  listMetrics: (): readonly CustomMetricDescriptor[] =>
    deps
      .index()
      .listCustom()
      .map((e) => ({
        groupResource: groupResourceString(e.groupResource),
        metric: e.metric,
        namespaced: e.namespaced,
      })),

  async getByName(request, signal) {
    const resolved = resolve(deps, request);
    const names = [request.name];
    const byName = await samplesByName(deps, { ...resolved, request, names }, signal);
    const sample = byName.get(request.name);
    observeServed(deps, resolved.entry, names, byName);
    if (sample === undefined) throw metricNotFound(request.metric, request.resource, request.name);
    return valueOf(resolved.info, request.namespace, request.name, request.metric, sample);
  },

  async getBySelector(request, signal) {
    const resolved = resolve(deps, request);
    const names = await listNames(deps, resolved.info, request.namespace, request.selector, signal);
    if (names.length === 0) throw metricNotFound(request.metric, request.resource);
    const byName = await samplesByName(deps, { ...resolved, request, names }, signal);
    observeServed(deps, resolved.entry, names, byName);
    return names.flatMap((name) => {
      const sample = byName.get(name);
      return sample === undefined
        ? []
        : [valueOf(resolved.info, request.namespace, name, request.metric, sample)];
    });
  },
});

const listNames = async (
  deps: CustomProviderDeps,
  info: ResourceInfo,
  namespace: string,
  selector: LabelSelector,
  signal: AbortSignal,
): Promise<readonly string[]> => {
  try {
    return await deps.listObjectNames(info, namespace, formatLabelSelector(selector), signal);
  } catch (err) {
    deps.logger.error('unable to list matching resources', { resource: info.resource, err });
    throw internalError('unable to list matching resources', { cause: err });
  }
};
