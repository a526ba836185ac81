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
import type { PrometheusClient, QueryResult, Sample } from '../prometheus/types.ts';
import { buildQuery } from '../query/build.ts';
import { fetchMetrics } from './fetch.ts';
import { countNonFinite, observed, type RuleObserver } from './rule-observer.ts';
import { parseGroupResource } from '../kubernetes/resource-map.ts';
import { createIdentityMemo, type IdentityMemo } from './identity-memo.ts';
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
type VectorResult = Extract<QueryResult, { readonly type: 'vector' }>;

type Target = Resolved & {
  readonly request: CustomMetricRequest;
  readonly names: readonly string[];
};

/** What one request makes of its inputs, shared by requests with the very same inputs. */
interface Memos {
  /** The PromQL per (names, entry, namespace + metric selector). */
  readonly queries: IdentityMemo<{ readonly query: string; readonly label: string }>;
  /** The served values per (query answer, names, object kind + namespace + metric). */
  readonly served: IdentityMemo<Served>;
}

interface Served {
  readonly values: readonly CustomMetricValue[];
  /** Objects without a sample, and NaN/Inf samples among those served (rule health). */
  readonly dropped: number;
  readonly nonFinite: readonly number[];
}

const buildFor = ({ entry, request, names }: Target): { query: string; label: string } => {
  const label = entry.rule.labelFor(entry.groupResource);
  const namespace =
    request.namespace === ''
      ? undefined
      : {
          label: entry.rule.labelFor({ group: '', resource: 'namespaces' }),
          value: request.namespace,
        };
  const query = buildQuery(entry.rule.metricsQuery, {
    series: entry.seriesName,
    metricSelector: request.metricSelector,
    ...(namespace === undefined ? {} : { namespace }),
    objects: { label, names },
  });
  return { query, label };
};

/** Builds and runs the query; the answer and the label holding object names. */
const runQuery = async (
  deps: CustomProviderDeps,
  memos: Memos,
  target: Target,
  signal: AbortSignal,
): Promise<{ readonly result: VectorResult; readonly label: string }> => {
  const { entry, request } = target;
  let built: { readonly query: string; readonly label: string };
  try {
    const key = `${request.namespace}\u0000${formatLabelSelector(request.metricSelector)}`;
    built = memos.queries.get(target.names, entry, key, () => buildFor(target));
  } catch (err) {
    deps.logger.info('unable to build query', { rule: entry.rule.path, err }, 2);
    throw metricNotFound(request.metric, request.resource);
  }
  const { query, label } = built;
  // The batcher builds its window's query over the union of the objects asked for.
  const build = (names: readonly string[]): string =>
    names === target.names ? query : buildFor({ ...target, names }).query;
  const nowMs = deps.now();
  const route = { backend: entry.rule.backend, namespace: request.namespace };
  const run = (promql: string, atMs: number, querySignal: AbortSignal) =>
    fetchMetrics(deps.prometheus, promql, {
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
    if (batcher === undefined) return run(query, nowMs, signal);
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
  return { result, label };
};

/** Indexes the samples by object name (the last sample for a name wins). */
const samplesByName = (samples: readonly Sample[], label: string): Map<string, Sample> => {
  const byName = new Map<string, Sample>();
  for (const s of samples) {
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

/** The values served for `target` from the samples, in the listing's order. */
const serve = (target: Target, samples: readonly Sample[], label: string): Served => {
  const { info, request } = target;
  const byName = samplesByName(samples, label);
  const found = target.names.flatMap((name) => {
    const sample = byName.get(name);
    return sample === undefined ? [] : [{ name, sample }];
  });
  return {
    values: found.map(({ name, sample }) =>
      valueOf(info, request.namespace, name, request.metric, sample),
    ),
    dropped: target.names.length - found.length,
    nonFinite: found.map(({ sample }) => sample.value).filter((v) => !Number.isFinite(v)),
  };
};

/** Runs the request's query and serves its values, reporting drops and NaN/Inf per request. */
const servedFor = async (
  deps: CustomProviderDeps,
  memos: Memos,
  target: Target,
  signal: AbortSignal,
): Promise<Served> => {
  const { result, label } = await runQuery(deps, memos, target, signal);
  const { info, request } = target;
  const key = `${info.group}/${info.resource}\u0000${request.namespace}\u0000${request.metric}\u0000${label}`;
  const served = memos.served.get(result, target.names, key, () =>
    serve(target, result.samples, label),
  );
  if (served.dropped > 0) deps.observer?.dropped(target.entry.rule, served.dropped);
  countNonFinite(deps.observer, target.entry.rule, served.nonFinite);
  return served;
};

export const createCustomProvider = (deps: CustomProviderDeps): CustomMetricsProvider => {
  const memos: Memos = { queries: createIdentityMemo(), served: createIdentityMemo() };
  return {
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
      const { values } = await servedFor(deps, memos, { ...resolved, request, names }, signal);
      const [value] = values;
      if (value === undefined) throw metricNotFound(request.metric, request.resource, request.name);
      return value;
    },

    async getBySelector(request, signal) {
      const resolved = resolve(deps, request);
      const names = await listNames(
        deps,
        resolved.info,
        request.namespace,
        request.selector,
        signal,
      );
      if (names.length === 0) throw metricNotFound(request.metric, request.resource);
      return (await servedFor(deps, memos, { ...resolved, request, names }, signal)).values;
    },
  };
};

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
