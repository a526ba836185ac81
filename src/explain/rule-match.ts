/**
 * Which rule serves a request's metric — the index lookup the providers make — or, when none
 * does, the rules that came close with their reasons, and the served metrics the user may have
 * meant.
 */
import type { CustomEntry, ExternalEntry, MetricIndex } from '../discovery/metric-index.ts';
import { parseGroupResource } from '../kubernetes/resource-map.ts';
import type { ResourceInfo } from '../kubernetes/types.ts';
import { groupResourceString } from '../kubernetes/types.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { ExplainDeps } from './deps.ts';
import { closest, isSimilar } from './similar-names.ts';
import type { ExplainRequest, NearMiss, Reason } from './types.ts';
import { whyNot, type SeriesOutcome, type WantedMetric } from './why-not.ts';

export interface RuleMatch {
  readonly entry?: CustomEntry | ExternalEntry;
  /** The resolved resource (custom metrics). */
  readonly info?: ResourceInfo;
  /** A problem with the request itself (unknown resource). */
  readonly problem?: Reason;
}

/** The index entry serving the request, as the provider looks it up. */
export const findServing = (deps: ExplainDeps, req: ExplainRequest): RuleMatch => {
  if (req.api === 'external') {
    const entry = deps.index().findExternal(req.metric);
    return entry === undefined ? {} : { entry };
  }
  const info = deps.state().resources.resolve(parseGroupResource(req.resource));
  if (info === undefined) {
    return {
      problem: {
        code: 'resource-unknown',
        message: `the cluster has no resource ${JSON.stringify(req.resource)} (or the name is ambiguous)`,
      },
    };
  }
  const entry = deps.index().findCustom(info, req.namespace !== '', req.metric);
  return entry === undefined ? { info } : { entry, info };
};

/** Every rule of the request's kind with its reasons (one series call per backend and query). */
export const nearMisses = async (
  deps: ExplainDeps,
  req: ExplainRequest,
  info: ResourceInfo | undefined,
  signal: AbortSignal,
): Promise<NearMiss[]> => {
  const state = deps.state();
  const sources = deps.sources();
  const kind = req.api === 'external' ? 'external' : 'custom';
  const want: WantedMetric = {
    metric: req.metric,
    namespaced: req.namespace !== '',
    ...(info ? { resource: { group: info.group, resource: info.resource } } : {}),
  };
  // One call per backend and seriesQuery, as a relist makes them.
  const outcomes = new Map<string, Promise<SeriesOutcome>>();
  const outcomeOf = (rule: CompiledRule) => {
    const key = `${rule.backend ?? ''}\u0000${rule.seriesQuery}`;
    const known = outcomes.get(key) ?? deps.series(rule.seriesQuery, signal, rule.backend);
    outcomes.set(key, known);
    return known;
  };
  const misses: NearMiss[] = [];
  for (const rule of state.rules.filter((r) => r.kind === kind)) {
    const reasons = whyNot(rule, sources.sourceOf(rule), await outcomeOf(rule), want);
    if (reasons.length > 0) misses.push({ rule: sources.refOf(rule, state.rules), reasons });
  }
  return misses;
};

/** Served metrics with a similar name, or the same name under another resource or scope. */
export const didYouMean = (
  index: MetricIndex,
  req: ExplainRequest,
  info?: ResourceInfo,
): string[] => {
  if (req.api === 'external') {
    const names = index.listExternal().map((e) => e.metric);
    return closest(
      names.filter((n) => isSimilar(n, req.metric)),
      (n) => n,
      req.metric,
    );
  }
  const sameResource = (e: CustomEntry) =>
    info !== undefined &&
    e.groupResource.group === info.group &&
    e.groupResource.resource === info.resource &&
    e.namespaced === (req.namespace !== '');
  const candidates = index
    .listCustom()
    .filter(
      (e) => (e.metric === req.metric && !sameResource(e)) || isSimilar(e.metric, req.metric),
    );
  const ranked = closest(candidates, (e) => e.metric, req.metric, 50).sort(
    (a, b) => Number(!sameResource(a)) - Number(!sameResource(b)),
  );
  return [
    ...new Set(ranked.map((e) => `${groupResourceString(e.groupResource)}/${e.metric}`)),
  ].slice(0, 5);
};
