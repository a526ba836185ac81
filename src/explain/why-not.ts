/**
 * Why a rule does not serve a metric — or, without a wanted metric, why it produces none at all
 * (the per-rule health warning). Pure: it replays the rule's compiled pieces (filters, namer,
 * resource labels) on the series its `seriesQuery` returned, the same calls the relist makes.
 */
import type { DiscoveryRule, RegexFilter } from '../config/types.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import { groupResourceString } from '../kubernetes/types.ts';
import { compileSeriesFilter } from '../naming/series-filter.ts';
import { isRootScoped } from '../naming/resource-labels.ts';
import type { SeriesOutcome } from '../discovery/relister.ts';
import type { Series } from '../prometheus/types.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { isSimilar } from './similar-names.ts';
import type { Reason } from './types.ts';

export type { SeriesOutcome };

/** The metric a request asks for; `resource` is absent for external metrics. */
export interface WantedMetric {
  readonly metric: string;
  readonly resource?: GroupResource;
  /** Whether the request named a namespace. */
  readonly namespaced: boolean;
}

const describeFilter = (f: RegexFilter, i: number): string =>
  `seriesFilters[${i}] (${f.is !== undefined && f.is !== '' ? `is: ${JSON.stringify(f.is)}` : `isNot: ${JSON.stringify(f.isNot ?? '')}`})`;

/** The first of the rule's written filters that rejects `name`, described; undefined if none. */
const rejectingFilter = (source: DiscoveryRule | undefined) => {
  const filters = (source?.seriesFilters ?? []).map((f, i) => ({
    keep: compileSeriesFilter({ seriesQuery: source?.seriesQuery ?? '', seriesFilters: [f] }),
    text: describeFilter(f, i),
  }));
  return (name: string): string | undefined => filters.find((f) => !f.keep(name))?.text;
};

const matchesText = (source: DiscoveryRule | undefined): string =>
  JSON.stringify(source?.name?.matches ?? '');

/** One series through the rule: dropped by a filter or the name, or the metric it names. */
type Fate =
  | { readonly kind: 'filtered'; readonly by: string }
  | { readonly kind: 'unnamed' }
  | { readonly kind: 'named'; readonly metric: string };

const fateOf = (
  rule: CompiledRule,
  rejects: (name: string) => string | undefined,
  name: string,
): Fate => {
  if (!rule.keepSeries(name)) {
    const by = rejects(name);
    return by === undefined ? { kind: 'unnamed' } : { kind: 'filtered', by };
  }
  const metric = rule.metricNameFor(name);
  return metric === undefined ? { kind: 'unnamed' } : { kind: 'named', metric };
};

const scopeReason = (gr: GroupResource, want: WantedMetric, series: string): Reason | undefined => {
  const root = isRootScoped(gr);
  const r = groupResourceString(gr);
  if (root && want.namespaced) {
    return {
      code: 'not-namespaced',
      series,
      message: `${r} is not namespaced: its metrics are served without a namespace (/${r}/<name>/${want.metric})`,
    };
  }
  if (!root && !want.namespaced) {
    return {
      code: 'namespaced-resource',
      series,
      message: `${r} is namespaced: ask under /namespaces/<namespace>/${r}/<name>/${want.metric}`,
    };
  }
  return undefined;
};

/** Why a series that names the wanted metric still does not serve the wanted resource. */
const resourceReason = (rule: CompiledRule, s: Series, want: WantedMetric): Reason => {
  const labels = Object.keys(s.labels).sort();
  const wanted = want.resource;
  const maps = rule.resourcesFor(labels);
  const hit =
    wanted && maps.find((gr) => gr.group === wanted.group && gr.resource === wanted.resource);
  if (rule.kind === 'external' || wanted === undefined || hit) {
    return (
      (hit && scopeReason(hit, want, s.name)) ?? {
        code: 'shadowed',
        series: s.name,
        message: `would serve it from ${s.name}; a later rule serving the same metric wins, or the relist has not run since`,
      }
    );
  }
  return {
    code: 'resource-not-mapped',
    series: s.name,
    message: `series ${s.name} has labels [${labels.join(', ')}], which map to ${maps.length === 0 ? 'no resource' : maps.map(groupResourceString).join(', ')}; none to ${groupResourceString(wanted)}`,
  };
};

const add = (out: Map<string, Reason>, r: Reason) => {
  const key = `${r.code}\u0000${r.series ?? ''}`;
  if (!out.has(key)) out.set(key, r);
};

/**
 * Why `rule` does not serve `want`: reasons about the series that could have become it. An empty
 * list means the rule is unrelated to the request. Rules whose query failed or returned nothing
 * could have served anything and always get a reason.
 */
export const whyNot = (
  rule: CompiledRule,
  source: DiscoveryRule | undefined,
  outcome: SeriesOutcome,
  want: WantedMetric,
): Reason[] => {
  const early = emptyReason(rule, outcome);
  if (early !== undefined || !outcome.ok) return early ? [early] : [];
  const rejects = rejectingFilter(source);
  const out = new Map<string, Reason>();
  for (const s of outcome.series) {
    const fate = fateOf(rule, rejects, s.name);
    // What the series would be called without the filters, too: `failed` from jobs_failed_total.
    const wouldBe = rule.metricNameFor(s.name);
    const close =
      s.name === want.metric ||
      isSimilar(s.name, want.metric) ||
      (wouldBe !== undefined && (wouldBe === want.metric || isSimilar(wouldBe, want.metric)));
    if (fate.kind === 'filtered' && close) {
      add(out, {
        code: 'filtered-out',
        series: s.name,
        message: `series ${s.name} is filtered out by ${fate.by}`,
      });
    } else if (fate.kind === 'unnamed' && close) {
      add(out, {
        code: 'name-not-matched',
        series: s.name,
        message: `series ${s.name} does not match name.matches ${matchesText(source)}`,
      });
    } else if (fate.kind === 'named' && fate.metric === want.metric) {
      add(out, resourceReason(rule, s, want));
    } else if (fate.kind === 'named' && (close || isSimilar(fate.metric, want.metric))) {
      add(out, {
        code: 'other-name',
        series: s.name,
        message: `series ${s.name} is served as ${fate.metric}, not ${want.metric}`,
      });
    }
  }
  return [...out.values()];
};

/** The reason a rule produced nothing because its query failed or found no series. */
const emptyReason = (rule: CompiledRule, outcome: SeriesOutcome): Reason | undefined => {
  if (!outcome.ok) {
    return {
      code: 'series-query-failed',
      message: `seriesQuery ${JSON.stringify(rule.seriesQuery)} failed: ${outcome.error}`,
    };
  }
  if (outcome.series.length === 0) {
    return {
      code: 'no-series',
      message: `seriesQuery ${JSON.stringify(rule.seriesQuery)} found no series in the last relist window (--metrics-max-age)`,
    };
  }
  return undefined;
};

/**
 * Why a rule produces no metric at all (for the health warning): the query failed or found
 * nothing, or each series fell to a filter, to `name.matches`, or to resource labels that map to
 * no resource. One reason per cause, with how many series it took and an example.
 */
export const whyNothing = (
  rule: CompiledRule,
  source: DiscoveryRule | undefined,
  outcome: SeriesOutcome,
): Reason[] => {
  const early = emptyReason(rule, outcome);
  if (early !== undefined || !outcome.ok) return early ? [early] : [];
  const rejects = rejectingFilter(source);
  const counts = new Map<string, { reason: Reason; n: number }>();
  const count = (key: string, reason: Reason) => {
    const c = counts.get(key) ?? { reason, n: 0 };
    c.n++;
    counts.set(key, c);
  };
  for (const s of outcome.series) {
    const fate = fateOf(rule, rejects, s.name);
    if (fate.kind === 'filtered') {
      count(fate.by, {
        code: 'filtered-out',
        series: s.name,
        message: `filtered out by ${fate.by}`,
      });
    } else if (fate.kind === 'unnamed') {
      count('name', {
        code: 'name-not-matched',
        series: s.name,
        message: `did not match name.matches ${matchesText(source)}`,
      });
    } else if (rule.kind === 'custom' && rule.resourcesFor(Object.keys(s.labels)).length === 0) {
      count('resources', {
        code: 'resource-not-mapped',
        series: s.name,
        message: `no label maps to a resource (labels: ${Object.keys(s.labels).sort().join(', ')})`,
      });
    }
  }
  return [...counts.values()].map(({ reason, n }) => ({
    ...reason,
    message: `${n} of ${outcome.series.length} series ${reason.message}, e.g. ${reason.series ?? ''}`,
  }));
};
