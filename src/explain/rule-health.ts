/**
 * Per-rule health: after each relist, every rule's series found and metrics produced (self-metrics
 * and a snapshot for the status page), and one warning log line per rule that produced no metric,
 * with the reasons explain gives (why-not.ts). Requests served by a rule report their query
 * outcome and latency, dropped objects and NaN/Inf samples through `observer`.
 */
import type { RuleRelisted } from '../discovery/relister.ts';
import type { Logger } from '../log.ts';
import type { RuleObserver } from '../provider/rule-observer.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { RuleLabels, RuleMetrics } from '../self-metrics.ts';
import { whereOf, type RuleSources } from './rule-ref.ts';
import type { Reason } from './types.ts';
import { whyNothing } from './why-nothing.ts';

/** One rule's health as of the last relist. */
export interface RuleHealthEntry {
  readonly index: number;
  /** `name.as`, else the seriesQuery. */
  readonly name: string;
  /** Config path, e.g. `rules[0]`. */
  readonly path: string;
  /** `file:line` of the rule. */
  readonly at: string;
  readonly seriesQuery: string;
  readonly seriesFound: number;
  readonly metricsProduced: number;
  /** The last series-query or request-query error, until the next success. */
  readonly lastError: string | undefined;
  /** Why it produced no metric (empty when it produced some). */
  readonly reasons: readonly Reason[];
}

export interface RuleHealthSnapshot {
  /** ms epoch of the last relist; 0 before the first. */
  readonly relistedAt: number;
  readonly rules: readonly RuleHealthEntry[];
}

export interface RuleHealth {
  /** Feed for `RelistObserver.rules`. */
  readonly relisted: (results: readonly RuleRelisted[]) => void;
  /** Pass to the custom and external providers. */
  readonly observer: RuleObserver;
  /** The current per-rule stats (a new frozen object per relist or request error). */
  snapshot(): RuleHealthSnapshot;
}

export interface RuleHealthDeps {
  readonly sources: () => RuleSources;
  /** The current compiled rules (the index of a rule is its position here). */
  readonly rules: () => readonly CompiledRule[];
  readonly metrics: RuleMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

const metricCount = (r: RuleRelisted): number =>
  r.contribution.custom.length + r.contribution.external.length;

export const createRuleHealth = (deps: RuleHealthDeps): RuleHealth => {
  let snap: RuleHealthSnapshot = { relistedAt: 0, rules: [] };
  const labelsOf = (rule: CompiledRule): RuleLabels => {
    const ref = deps.sources().refOf(rule, deps.rules());
    return { rule: String(ref.index), name: ref.name };
  };
  const setError = (rule: CompiledRule, error: string | undefined) => {
    const i = deps.rules().indexOf(rule);
    const entry = snap.rules.find((e) => e.index === i);
    if (entry === undefined || entry.lastError === error) return;
    const rules = snap.rules.map((e) => (e === entry ? { ...e, lastError: error } : e));
    snap = Object.freeze({ ...snap, rules: Object.freeze(rules) });
  };
  const entryOf = (r: RuleRelisted, all: readonly CompiledRule[]): RuleHealthEntry => {
    const sources = deps.sources();
    const ref = sources.refOf(r.rule, all);
    const produced = metricCount(r);
    return Object.freeze({
      index: ref.index,
      name: ref.name,
      path: ref.path,
      at: whereOf(ref),
      seriesQuery: r.rule.seriesQuery,
      seriesFound: r.outcome.ok ? r.outcome.series.count : 0,
      metricsProduced: produced,
      lastError: r.outcome.ok ? undefined : r.outcome.error,
      reasons: produced > 0 ? [] : whyNothing(r.rule, sources.sourceOf(r.rule), r.outcome),
    });
  };
  return {
    relisted: (results) => {
      const all = deps.rules();
      const rules = results.map((r) => entryOf(r, all));
      snap = Object.freeze({ relistedAt: deps.now(), rules: Object.freeze(rules) });
      deps.metrics.relisted(
        rules.map((e) => ({
          labels: { rule: String(e.index), name: e.name },
          series: e.seriesFound,
          metrics: e.metricsProduced,
        })),
      );
      for (const e of rules.filter((x) => x.metricsProduced === 0)) {
        deps.logger.info('warning: rule produced no metric', {
          severity: 'warning',
          rule: e.index,
          name: e.name,
          path: e.path,
          at: e.at,
          reasons: e.reasons.map((r) => `${r.code}: ${r.message}`),
        });
      }
    },
    observer: {
      queried: (rule, ok, seconds) => {
        deps.metrics.queried(labelsOf(rule), ok, seconds);
        if (!ok) setError(rule, 'a request query failed (see the error log)');
      },
      dropped: (rule, objects) => {
        deps.metrics.dropped(labelsOf(rule), objects);
      },
      nonFinite: (rule, samples) => {
        deps.metrics.nonFinite(labelsOf(rule), samples);
      },
      batched: (rule, outcome) => {
        deps.metrics.batched(labelsOf(rule), outcome);
      },
    },
    snapshot: () => snap,
  };
};
