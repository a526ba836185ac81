/**
 * Gathers the status page's snapshot (src/status/) from the running adapter: the live config and
 * rules, the relist status and each series query's last outcome, the metric index, the last
 * reload, the readiness checks. Per rule: where it is written, the series its query found, the
 * metrics it produces, and why it produces none.
 */
import { headerValue } from '../api/http-types.ts';
import type { HealthSource } from '../api/provider.ts';
import type { OperatorRoutes } from '../api/router.ts';
import type { MetricIndex } from '../discovery/metric-index.ts';
import type { RelistStatus } from '../discovery/relister.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { BackendView, RuleView, StatusSnapshot } from '../status/status-snapshot.ts';
import { statusAnswer, wantsJson } from '../status/status-reply.ts';
import type { ReloadResult } from './config-reload.ts';
import type { LiveSnapshot } from './live-state.ts';
import type { QueryOutcome } from './relist-observations.ts';

export interface StatusInputs {
  readonly live: () => LiveSnapshot;
  readonly index: () => MetricIndex;
  readonly relist: () => RelistStatus;
  readonly outcome: (seriesQuery: string) => QueryOutcome | undefined;
  readonly lastReload: () => ReloadResult | undefined;
  readonly health: HealthSource;
  /** Prometheus base URLs as configured. */
  readonly backends: readonly string[];
  readonly source: string;
  readonly version: string;
  readonly now: () => number;
}

/** Metric names per rule, from the index (a later rule may take over a name: it counts there). */
const metricsByRule = (index: MetricIndex): Map<CompiledRule, Set<string>> => {
  const byRule = new Map<CompiledRule, Set<string>>();
  for (const e of [...index.listCustom(), ...index.listExternal()]) {
    const names = byRule.get(e.rule) ?? new Set<string>();
    names.add(e.metric);
    byRule.set(e.rule, names);
  }
  return byRule;
};

/** Why a rule serves nothing, or undefined while it is fine (or not yet relisted). */
const ruleError = (outcome: QueryOutcome | undefined, metrics: number): string | undefined => {
  if (outcome === undefined || metrics > 0) return undefined;
  if (!outcome.ok) return `series query failed: ${outcome.error}`;
  if (outcome.series === 0) return 'the series query found no series';
  return `${outcome.series} series found but none became a metric (check name.matches, seriesFilters and resources)`;
};

/** The URL without credentials. */
const redacted = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.username !== '' || u.password !== '') {
      u.username = 'redacted';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
};

const backendView = (url: string, s: RelistStatus): BackendView => {
  const base = { url: redacted(url) };
  if (s.lastRunAt === 0) return { ...base, healthy: true, detail: 'not asked yet' };
  if (s.failing.length === 0)
    return { ...base, healthy: true, detail: 'all series queries answer' };
  const n = `${s.failing.length} of ${s.queries} series queries failing`;
  return { ...base, healthy: false, detail: `${n}: ${s.lastError ?? 'unknown error'}` };
};

const ruleViews = (inputs: StatusInputs, live: LiveSnapshot, index: MetricIndex): RuleView[] => {
  const produced = metricsByRule(index);
  return live.state.rules.map((rule, i) => {
    const at = live.loaded.problemAt(rule.path, '');
    const outcome = inputs.outcome(rule.seriesQuery);
    const metrics = produced.get(rule)?.size ?? 0;
    const error = ruleError(outcome, metrics);
    return {
      index: i,
      kind: rule.kind,
      name: rule.path,
      location: `${at.file}:${at.line}`,
      seriesQuery: rule.seriesQuery,
      seriesFound: outcome?.ok === true ? outcome.series : undefined,
      metricsProduced: metrics,
      ...(error === undefined ? {} : { error }),
    };
  });
};

export const gatherStatus = (inputs: StatusInputs): StatusSnapshot => {
  const live = inputs.live();
  const index = inputs.index();
  const relist = inputs.relist();
  const queries = [...new Set(live.state.rules.map((r) => r.seriesQuery))];
  const series = queries
    .map((q) => inputs.outcome(q))
    .reduce((sum, o) => sum + (o?.ok === true ? o.series : 0), 0);
  return {
    generatedAt: inputs.now(),
    version: inputs.version,
    config: {
      source: inputs.source,
      loadedAt: live.loadedAt,
      generation: live.generation,
      lastReload: inputs.lastReload(),
      warnings: live.state.warnings,
    },
    rules: ruleViews(inputs, live, index),
    counts: {
      series,
      customMetrics: index.listCustom().length,
      externalMetrics: index.listExternal().length,
    },
    relist: {
      lastRunAt: relist.lastRunAt,
      lastSuccessAt: relist.lastSuccessAt,
      queries: relist.queries,
      failing: relist.failing,
      ...(relist.lastError === undefined ? {} : { lastError: relist.lastError }),
    },
    backends: inputs.backends.map((url) => backendView(url, relist)),
    apis: live.apis,
    readiness: Object.entries(inputs.health.readyChecks()).map(([name, reason]) => ({
      name,
      ok: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
    })),
  };
};

/** The `/status` operator route: HTML, or JSON for `?format=json` / `Accept: application/json`. */
export const statusRoute =
  (inputs: StatusInputs): OperatorRoutes[string] =>
  (req) => {
    const json = wantsJson(req.query.get('format'), headerValue(req.headers, 'accept'));
    return Promise.resolve(statusAnswer(gatherStatus(inputs), json));
  };
