/**
 * Why a rule does not serve the metric a request asks for. Pure: it replays the rule's compiled
 * pieces (filters, namer, resource labels) on the series its `seriesQuery` returned, the same
 * calls the relist makes.
 */
import type { DiscoveryRule } from '../config/types.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import { groupResourceString } from '../kubernetes/types.ts';
import { isRootScoped } from '../naming/resource-labels.ts';
import type { SeriesOutcome } from '../discovery/relister.ts';
import type { SeriesShape } from '../prometheus/types.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { emptyReason, fateOf, matchesText, rejectingFilter } from './series-fate.ts';
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
const resourceReason = (rule: CompiledRule, s: SeriesShape, want: WantedMetric): Reason => {
  const labels = [...s.labelNames].sort();
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
  for (const s of outcome.series.shapes) {
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
