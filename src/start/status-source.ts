/**
 * Gathers the status page's snapshot (src/status/) from the running adapter: the live config and
 * rules, the relist status, per-rule health (explain/rule-health.ts), the metric index, the last
 * reload, the readiness checks. Per rule: where it is written, the series its query found, the
 * metrics it produces, and why it produces none (explain's reasons).
 */
import { headerValue } from '../api/http-types.ts';
import type { HealthSource } from '../api/provider.ts';
import type { OperatorRoutes } from '../api/router.ts';
import type { MetricIndex } from '../discovery/metric-index.ts';
import type { RelistStatus } from '../discovery/relister.ts';
import type { RuleHealthEntry, RuleHealthSnapshot } from '../explain/rule-health.ts';
import type { BackendView, RuleView, StatusSnapshot } from '../status/status-snapshot.ts';
import { statusAnswer, wantsJson } from '../status/status-reply.ts';
import type { ReloadResult } from './config-reload.ts';
import type { LiveSnapshot } from './live-state.ts';

export interface StatusInputs {
  readonly live: () => LiveSnapshot;
  readonly index: () => MetricIndex;
  readonly relist: () => RelistStatus;
  /** Per-rule health as of the last relist (explain/rule-health.ts). */
  readonly rules: () => RuleHealthSnapshot;
  readonly lastReload: () => ReloadResult | undefined;
  readonly health: HealthSource;
  /** The flag-defined backend's URL, judged by the relist (it serves the series queries). */
  readonly defaultUrl: string;
  /** The config's `backends`, each URL judged by failover's last outcome for it. */
  readonly backends: readonly { readonly name: string; readonly urls: readonly string[] }[];
  /** Up, down, or not asked yet (undefined), as failover last saw the URL. */
  readonly urlUp: (backend: string, url: string) => boolean | undefined;
  readonly source: string;
  readonly version: string;
  readonly now: () => number;
}

/** Why a rule serves nothing (explain's reasons), or its last error; undefined while fine. */
const ruleError = (entry: RuleHealthEntry | undefined): string | undefined => {
  if (entry === undefined) return undefined;
  if (entry.lastError !== undefined) return entry.lastError;
  return entry.reasons.length === 0 ? undefined : entry.reasons.map((r) => r.message).join('; ');
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

const defaultView = (url: string, s: RelistStatus): BackendView => {
  const base = { backend: 'default', url: redacted(url) };
  if (s.lastRunAt === 0) return { ...base, healthy: true, detail: 'not asked yet' };
  if (s.failing.length === 0)
    return { ...base, healthy: true, detail: 'all series queries answer' };
  const n = `${s.failing.length} of ${s.queries} series queries failing`;
  return { ...base, healthy: false, detail: `${n}: ${s.lastError ?? 'unknown error'}` };
};

const configuredViews = (inputs: StatusInputs): BackendView[] =>
  inputs.backends.flatMap(({ name, urls }) =>
    urls.map((url) => {
      const up = inputs.urlUp(name, url);
      const detail =
        up === undefined
          ? 'not asked yet'
          : up
            ? 'answering'
            : 'last request failed (connection error or 5xx): skipped while another URL answers';
      return { backend: name, url: redacted(url), healthy: up !== false, detail };
    }),
  );

/** Per rule: where it is written, and its health as of the last relist (matched by config path). */
const ruleViews = (live: LiveSnapshot, health: RuleHealthSnapshot): RuleView[] =>
  live.state.rules.map((rule, i) => {
    const at = live.loaded.problemAt(rule.path, '');
    const entry = health.rules.find((e) => e.index === i && e.path === rule.path);
    const error = ruleError(entry);
    return {
      index: i,
      kind: rule.kind,
      name: rule.path,
      location: `${at.file}:${at.line}`,
      seriesQuery: rule.seriesQuery,
      seriesFound: entry?.seriesFound,
      metricsProduced: entry?.metricsProduced ?? 0,
      ...(error === undefined ? {} : { error }),
    };
  });

/** Series found by the last relist, each seriesQuery counted once. */
const seriesFound = (health: RuleHealthSnapshot): number => {
  const byQuery = new Map<string, number>();
  for (const e of health.rules) byQuery.set(e.seriesQuery, e.seriesFound);
  return [...byQuery.values()].reduce((sum, n) => sum + n, 0);
};

export const gatherStatus = (inputs: StatusInputs): StatusSnapshot => {
  const live = inputs.live();
  const index = inputs.index();
  const relist = inputs.relist();
  const health = inputs.rules();
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
    rules: ruleViews(live, health),
    counts: {
      series: seriesFound(health),
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
    backends: [defaultView(inputs.defaultUrl, relist), ...configuredViews(inputs)],
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
