/**
 * ExternalMetricsProvider (upstream-behaviour: external) on the index and Prometheus: find the
 * external rule that produced the metric, build its query from the HPA's metric selector (plus
 * the request namespace when the rule is namespaced), run it, and turn the result into values.
 */
import type { ExternalMetricsProvider, ExternalMetricValue } from '../api/provider.ts';
import { internalError, notFound, plainInternal } from '../api/errors.ts';
import type { ExternalEntry, MetricIndex } from '../discovery/metric-index.ts';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { quantityFromFloat } from '../kubernetes/quantity.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient, QueryResult } from '../prometheus/types.ts';
import { buildQuery } from '../query/build.ts';
import { fetchMetrics } from './fetch.ts';
import { countNonFinite, observed, type RuleObserver } from './rule-observer.ts';

export interface ExternalProviderDeps {
  readonly index: () => MetricIndex;
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  /** Milliseconds since the epoch; the query's evaluation time. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Per-rule health: query outcome and latency, NaN/Inf samples. */
  readonly observer?: RuleObserver;
}

export interface ExternalRequest {
  readonly namespace: string;
  readonly metric: string;
  readonly selector: LabelSelector;
}

/**
 * 404 for a metric no external rule produces. Upstream says `for namespaces` only when the
 * request namespace is `default` and `for ` (trailing space) otherwise; we always say
 * `for namespaces`.
 */
const externalMetricNotFound = (metric: string) =>
  notFound(`the server could not find the metric ${metric} for namespaces`);

/**
 * The PromQL for one external request. The namespace matcher is added only for namespaced
 * rules and a non-empty namespace; the label comes from the rule's `resources`. Throws when the
 * rule cannot name the namespace label or the selector cannot become matchers.
 */
export const externalQuery = (entry: ExternalEntry, request: ExternalRequest): string => {
  const { rule } = entry;
  const namespaced = rule.namespaced && request.namespace !== '';
  const namespace = namespaced
    ? { label: rule.labelFor({ group: '', resource: 'namespaces' }), value: request.namespace }
    : undefined;
  return buildQuery(rule.metricsQuery, {
    series: entry.seriesName,
    metricSelector: request.selector,
    ...(namespace === undefined ? {} : { namespace }),
  });
};

/**
 * Scalar → one value without labels; vector → one value per sample with its labels and its
 * timestamp; matrix → 500 with upstream's plain message. Non-finite values are formatted by
 * `quantityFromFloat` (never an overflowed int64).
 */
export const externalValues = (metric: string, result: QueryResult): ExternalMetricValue[] => {
  switch (result.type) {
    case 'scalar':
      return [
        {
          metricName: metric,
          metricLabels: null,
          timestamp: result.timestamp,
          value: quantityFromFloat(result.value, 'DecimalSI'),
        },
      ];
    case 'vector':
      return result.samples.map((s) => ({
        metricName: metric,
        metricLabels: { ...s.labels },
        timestamp: s.timestamp,
        value: quantityFromFloat(s.value, 'DecimalSI'),
      }));
    case 'matrix':
      throw plainInternal('encountered an unexpected query result type');
  }
};

const queryFor = (deps: ExternalProviderDeps, entry: ExternalEntry, request: ExternalRequest) => {
  try {
    return externalQuery(entry, request);
  } catch (err) {
    deps.logger.error('unable to build external metrics query', { rule: entry.rule.path, err });
    throw internalError('unable to fetch metrics', { cause: err });
  }
};

/** Creates the provider; it reads whatever index is current at each call. */
export const createExternalProvider = (deps: ExternalProviderDeps): ExternalMetricsProvider => ({
  listMetrics: () =>
    deps
      .index()
      .listExternal()
      .map((e) => e.metric),

  async get(request, signal) {
    const entry = deps.index().findExternal(request.metric);
    if (entry === undefined) throw externalMetricNotFound(request.metric);
    const query = queryFor(deps, entry, request);
    const nowMs = deps.now();
    const result = await observed(deps.observer, entry.rule, () =>
      fetchMetrics(deps.prometheus, query, {
        nowMs,
        signal,
        logger: deps.logger,
        route: { backend: entry.rule.backend, namespace: request.namespace },
      }),
    );
    const values =
      result.type === 'vector'
        ? result.samples.map((s) => s.value)
        : result.type === 'scalar'
          ? [result.value]
          : [];
    countNonFinite(deps.observer, entry.rule, values);
    if (result.type === 'matrix') {
      deps.logger.error('external metrics query returned a matrix', {
        query,
        rule: entry.rule.path,
      });
    }
    return externalValues(request.metric, result);
  },
});
