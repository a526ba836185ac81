/**
 * The metric index: an immutable snapshot of which API metrics exist, built from relisted series.
 * It stores only what requests need — per metric the series name and the rule — never the label
 * sets of series, so its size grows with the number of distinct metrics, not series.
 */
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { isRootScoped } from '../naming/resource-labels.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import { groupResourceString } from '../kubernetes/types.ts';
import type { SeriesSet } from '../prometheus/types.ts';

/** What a request needs to build a query for one metric. */
export interface IndexEntry {
  readonly seriesName: string;
  readonly rule: CompiledRule;
}

export interface CustomEntry extends IndexEntry {
  readonly groupResource: GroupResource;
  readonly namespaced: boolean;
  readonly metric: string;
}

export interface ExternalEntry extends IndexEntry {
  readonly metric: string;
}

/** What one rule contributed to the index: kept per rule so a failed query degrades only its rules. */
export interface RuleContribution {
  readonly custom: readonly CustomEntry[];
  readonly external: readonly ExternalEntry[];
}

export interface MetricIndex {
  readonly builtAt: number;
  readonly contributions: readonly RuleContribution[];
  findCustom(gr: GroupResource, namespaced: boolean, metric: string): CustomEntry | undefined;
  findExternal(metric: string): ExternalEntry | undefined;
  /** Sorted by group-resource then metric. */
  listCustom(): readonly CustomEntry[];
  /** Sorted by name. */
  listExternal(): readonly ExternalEntry[];
}

const customKey = (gr: GroupResource, namespaced: boolean, metric: string): string =>
  `${gr.group}\u0000${gr.resource}\u0000${namespaced ? 1 : 0}\u0000${metric}`;

/**
 * A series name that can stand as written before `{` in PromQL. Prometheus 3 also stores UTF-8
 * names (`my.metric`, even `x{a="b"} or vector(1) #`) that a `metricsQuery` such as
 * `<<.Series>>{…}` would paste into the query raw: a parse error at best, an injection at worst.
 */
const PROMQL_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Applies one rule to its query's series. Series with the same name and the same label-name set
 * resolve to the same entries, so resource association runs once per distinct shape. Series
 * whose names are not PromQL identifiers are left out (see PROMQL_METRIC_NAME).
 */
export const contributionOf = (rule: CompiledRule, series: SeriesSet): RuleContribution => {
  const custom = new Map<string, CustomEntry>();
  const external = new Map<string, ExternalEntry>();
  for (const s of series.shapes) {
    if (!PROMQL_METRIC_NAME.test(s.name) || !rule.keepSeries(s.name)) continue;
    const { labelNames } = s;
    const metric = rule.metricNameFor(s.name);
    if (metric === undefined) continue;
    if (rule.kind === 'external') {
      external.set(metric, { seriesName: s.name, rule, metric });
      continue;
    }
    for (const gr of rule.resourcesFor(labelNames)) {
      const namespaced = !isRootScoped(gr);
      custom.set(customKey(gr, namespaced, metric), {
        seriesName: s.name,
        rule,
        metric,
        groupResource: gr,
        namespaced,
      });
    }
  }
  return { custom: [...custom.values()], external: [...external.values()] };
};

const byCustom = (a: CustomEntry, b: CustomEntry): number =>
  groupResourceString(a.groupResource).localeCompare(groupResourceString(b.groupResource)) ||
  a.metric.localeCompare(b.metric);

/** Later rules overwrite earlier ones for the same key, as upstream's registry does. */
export const buildIndex = (
  contributions: readonly RuleContribution[],
  now: number,
): MetricIndex => {
  const custom = new Map<string, CustomEntry>();
  const external = new Map<string, ExternalEntry>();
  for (const c of contributions) {
    for (const e of c.custom) custom.set(customKey(e.groupResource, e.namespaced, e.metric), e);
    for (const e of c.external) external.set(e.metric, e);
  }
  const customList = Object.freeze([...custom.values()].sort(byCustom));
  const externalList = Object.freeze(
    [...external.values()].sort((a, b) => a.metric.localeCompare(b.metric)),
  );
  return Object.freeze({
    builtAt: now,
    contributions,
    findCustom: (gr: GroupResource, namespaced: boolean, metric: string) =>
      custom.get(customKey(gr, namespaced, metric)),
    findExternal: (metric: string) => external.get(metric),
    listCustom: () => customList,
    listExternal: () => externalList,
  });
};

export const emptyIndex = (): MetricIndex => buildIndex([], 0);
