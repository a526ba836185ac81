/**
 * The adapter's own /metrics (prom-client): Prometheus client latency (the upstream histogram
 * name), API requests by code, relist duration/errors per seriesQuery, metrics indexed, and the
 * process collectors. One registry per process, created in main.ts (no module-level state).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RelistObserver } from './discovery/relister.ts';
import type { BatchOutcome } from './provider/batched.ts';

export interface SelfMetrics {
  readonly registry: Registry;
  /** For the Prometheus client: observed for successes and API errors, as upstream. */
  readonly observePrometheusRequest: (path: string, server: string, seconds: number) => void;
  readonly countRequest: (group: string, code: number) => void;
  /** Coalescing lookups: `shared` when served without new work (in flight or cached). */
  readonly countCoalesced: (what: 'query' | 'list', shared: boolean) => void;
  /** `prometheus_adapter_backend_up{backend,url}`: 1 while the URL answers, 0 once it failed. */
  readonly backendUp: (backend: string, url: string, up: boolean) => void;
  readonly relist: RelistObserver;
  /** Per-rule health (`prometheus_adapter_rule_*`), one series per rule. */
  readonly rules: RuleMetrics;
  /** The outcome of loading the config (at start, then every reload), as Prometheus reports its own. */
  readonly configReload: (ok: boolean, atMs: number) => void;
  readonly text: () => Promise<{ contentType: string; body: string }>;
}

export const createSelfMetrics = (options: { readonly processMetrics: boolean }): SelfMetrics => {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const promLatency = new Histogram({
    name: 'prometheus_adapter_prometheus_client_request_duration_seconds',
    help: 'Prometheus client query latency in seconds. Broken down by target prometheus endpoint and target server',
    labelNames: ['path', 'server'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'prometheus_adapter_api_requests_total',
    help: 'Requests served by the adapter, by API group and HTTP code.',
    labelNames: ['group', 'code'],
    registers: [registry],
  });
  const coalesced = new Counter({
    name: 'prometheus_adapter_coalesced_lookups_total',
    help: 'PromQL queries and object listings requested, by whether they were served from work already in flight or just done (shared) or ran anew.',
    labelNames: ['what', 'shared'],
    registers: [registry],
  });
  const backendUp = new Gauge({
    name: 'prometheus_adapter_backend_up',
    help: 'Whether the last call to a backend URL got an answer (1) or a connection error or 5xx (0).',
    labelNames: ['backend', 'url'],
    registers: [registry],
  });
  const relistLatency = new Histogram({
    name: 'prometheus_adapter_relist_query_duration_seconds',
    help: 'Duration of each /api/v1/series call of the relist loop, per seriesQuery.',
    labelNames: ['series_query'],
    registers: [registry],
  });
  const relistErrors = new Counter({
    name: 'prometheus_adapter_relist_query_errors_total',
    help: 'Failed /api/v1/series calls of the relist loop, per seriesQuery.',
    labelNames: ['series_query'],
    registers: [registry],
  });
  const relistSeries = new Gauge({
    name: 'prometheus_adapter_relist_series',
    help: 'Series returned by the last successful call, per seriesQuery.',
    labelNames: ['series_query'],
    registers: [registry],
  });
  const indexed = new Gauge({
    name: 'prometheus_adapter_metrics_indexed',
    help: 'Metrics currently served, per API.',
    labelNames: ['api'],
    registers: [registry],
  });
  const relistRun = new Histogram({
    name: 'prometheus_adapter_relist_duration_seconds',
    help: 'Duration of a whole relist run (all series queries plus indexing).',
    registers: [registry],
  });
  const reloadOk = new Gauge({
    name: 'prometheus_adapter_config_last_reload_successful',
    help: 'Whether the last configuration reload attempt was successful (1) or not (0).',
    registers: [registry],
  });
  const reloadAt = new Gauge({
    name: 'prometheus_adapter_config_last_reload_success_timestamp_seconds',
    help: 'Timestamp of the last successful configuration reload.',
    registers: [registry],
  });
  return {
    registry,
    observePrometheusRequest: (path, server, seconds) => {
      promLatency.observe({ path, server }, seconds);
    },
    countRequest: (group, code) => {
      requests.inc({ group, code: String(code) });
    },
    countCoalesced: (what, shared) => {
      coalesced.inc({ what, shared: String(shared) });
    },
    backendUp: (backend, url, up) => {
      backendUp.set({ backend, url }, up ? 1 : 0);
    },
    relist: {
      query: (seriesQuery, ok, seconds, count) => {
        relistLatency.observe({ series_query: seriesQuery }, seconds);
        if (ok) relistSeries.set({ series_query: seriesQuery }, count);
        else relistErrors.inc({ series_query: seriesQuery });
      },
      indexed: (custom, external, seconds) => {
        indexed.set({ api: 'custom.metrics.k8s.io' }, custom);
        indexed.set({ api: 'external.metrics.k8s.io' }, external);
        relistRun.observe(seconds);
      },
    },
    rules: ruleMetrics(registry),
    configReload: (ok, atMs) => {
      reloadOk.set(ok ? 1 : 0);
      if (ok) reloadAt.set(atMs / 1000);
    },
    text: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};

/** A rule's labels: its index among the compiled rules and a stable name (`name.as` or seriesQuery). */
export interface RuleLabels {
  readonly rule: string;
  readonly name: string;
}

export interface RuleMetrics {
  /** After each relist, every current rule's series found and metrics produced (stale rules go). */
  relisted(rules: readonly { labels: RuleLabels; series: number; metrics: number }[]): void;
  queried(labels: RuleLabels, ok: boolean, seconds: number): void;
  dropped(labels: RuleLabels, objects: number): void;
  nonFinite(labels: RuleLabels, samples: number): void;
  /** A batched request's outcome (provider/batched.ts). */
  batched(labels: RuleLabels, outcome: BatchOutcome): void;
}

const RULE_LABELS = ['rule', 'name'];

const ruleMetrics = (registry: Registry): RuleMetrics => {
  const registers = [registry];
  const series = new Gauge({
    name: 'prometheus_adapter_rule_series',
    help: "Series the rule's seriesQuery found at the last relist (0 when it failed).",
    labelNames: RULE_LABELS,
    registers,
  });
  const produced = new Gauge({
    name: 'prometheus_adapter_rule_metrics',
    help: 'Metrics the rule serves after the last relist.',
    labelNames: RULE_LABELS,
    registers,
  });
  const errors = new Counter({
    name: 'prometheus_adapter_rule_query_errors_total',
    help: 'Failed PromQL queries of requests served by the rule.',
    labelNames: RULE_LABELS,
    registers,
  });
  const latency = new Histogram({
    name: 'prometheus_adapter_rule_query_duration_seconds',
    help: 'PromQL query latency of requests served by the rule.',
    labelNames: RULE_LABELS,
    registers,
  });
  const dropped = new Counter({
    name: 'prometheus_adapter_rule_objects_dropped_total',
    help: 'Requested objects left out of an answer because the query returned no sample for them.',
    labelNames: RULE_LABELS,
    registers,
  });
  const nonFinite = new Counter({
    name: 'prometheus_adapter_rule_nonfinite_samples_total',
    help: 'NaN or infinite samples served by the rule.',
    labelNames: RULE_LABELS,
    registers,
  });
  const batchQueries = new Counter({
    name: 'prometheus_adapter_batch_queries_total',
    help: 'Batch queries run for the rule: one per window and batch key, answering many requests (--batch-window).',
    labelNames: RULE_LABELS,
    registers,
  });
  const batchJoined = new Counter({
    name: 'prometheus_adapter_batch_joined_total',
    help: 'Requests answered from a batch query another request of the same window started.',
    labelNames: RULE_LABELS,
    registers,
  });
  const batchFallback = new Counter({
    name: 'prometheus_adapter_batch_fallback_total',
    help: "Requests that ran their own query although batching is on, by reason: not_separable (the query does not provably group by the object label), not_covered (objects not in the window's batch), batch_failed.",
    labelNames: [...RULE_LABELS, 'reason'],
    registers,
  });
  const plain = (l: RuleLabels) => ({ rule: l.rule, name: l.name });
  return {
    relisted: (rules) => {
      series.reset();
      produced.reset();
      for (const r of rules) {
        series.set(plain(r.labels), r.series);
        produced.set(plain(r.labels), r.metrics);
      }
    },
    queried: (labels, ok, seconds) => {
      latency.observe(plain(labels), seconds);
      if (!ok) errors.inc(plain(labels));
    },
    dropped: (labels, objects) => {
      dropped.inc(plain(labels), objects);
    },
    nonFinite: (labels, samples) => {
      nonFinite.inc(plain(labels), samples);
    },
    batched: (labels, outcome) => {
      if (outcome === 'batch') batchQueries.inc(plain(labels));
      else if (outcome === 'joined') batchJoined.inc(plain(labels));
      else batchFallback.inc({ ...plain(labels), reason: outcome });
    },
  };
};
