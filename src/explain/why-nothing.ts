/**
 * Why a rule produces no metric at all, for the per-rule health warning logged each relist: the
 * same causes explain gives (series-fate.ts), counted over every series of the rule.
 */
import type { DiscoveryRule } from '../config/types.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { emptyReason, fateOf, matchesText, rejectingFilter } from './series-fate.ts';
import type { Reason } from './types.ts';
import type { SeriesOutcome } from '../discovery/relister.ts';

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
  for (const s of outcome.series.shapes) {
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
    } else if (rule.kind === 'custom' && rule.resourcesFor(s.labelNames).length === 0) {
      count('resources', {
        code: 'resource-not-mapped',
        series: s.name,
        message: `have no label mapped to a resource (labels: ${[...s.labelNames].sort().join(', ')})`,
      });
    }
  }
  return [...counts.values()].map(({ reason, n }) => ({
    ...reason,
    message: `${n} of ${outcome.series.shapes.length} series shapes (name and label set) ${reason.message}, e.g. ${reason.series ?? ''}`,
  }));
};
