/**
 * One series through one rule, as the relist applies it: dropped by a written `seriesFilters`
 * entry (which one), by `name.matches`, or named as a metric. Shared by why-not.ts (explain) and
 * why-nothing.ts (the per-rule health warning).
 */
import type { DiscoveryRule, RegexFilter } from '../config/types.ts';
import type { SeriesOutcome } from '../discovery/relister.ts';
import { compileSeriesFilter } from '../naming/series-filter.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { Reason } from './types.ts';

const describeFilter = (f: RegexFilter, i: number): string =>
  `seriesFilters[${i}] (${f.is !== undefined && f.is !== '' ? `is: ${JSON.stringify(f.is)}` : `isNot: ${JSON.stringify(f.isNot ?? '')}`})`;

/** The first of the rule's written filters that rejects `name`, described; undefined if none. */
export const rejectingFilter = (source: DiscoveryRule | undefined) => {
  const filters = (source?.seriesFilters ?? []).map((f, i) => ({
    keep: compileSeriesFilter({ seriesQuery: source?.seriesQuery ?? '', seriesFilters: [f] }),
    text: describeFilter(f, i),
  }));
  return (name: string): string | undefined => filters.find((f) => !f.keep(name))?.text;
};

export const matchesText = (source: DiscoveryRule | undefined): string =>
  JSON.stringify(source?.name?.matches ?? '');

/** One series through the rule: dropped by a filter or the name, or the metric it names. */
export type Fate =
  | { readonly kind: 'filtered'; readonly by: string }
  | { readonly kind: 'unnamed' }
  | { readonly kind: 'named'; readonly metric: string };

export const fateOf = (
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

/** The reason a rule produced nothing because its query failed or found no series. */
export const emptyReason = (rule: CompiledRule, outcome: SeriesOutcome): Reason | undefined => {
  if (!outcome.ok) {
    return {
      code: 'series-query-failed',
      message: `seriesQuery ${JSON.stringify(rule.seriesQuery)} failed: ${outcome.error}`,
    };
  }
  if (outcome.series.count === 0) {
    return {
      code: 'no-series',
      message: `seriesQuery ${JSON.stringify(rule.seriesQuery)} found no series in the last relist window (--metrics-max-age)`,
    };
  }
  return undefined;
};
