/**
 * The explain engine's entry: one request path in, one Explanation out. The answer itself comes
 * from the real app and providers (`deps.serve`), recorded through taps, so the explanation
 * shows exactly what serving does; this module adds the why.
 */
import { groupResourceString } from '../kubernetes/types.ts';
import type { ExplainDeps, ServedAnswer } from './deps.ts';
import { customOutcomes, externalOutcomes, resourceOutcomes, type Outcomes } from './evaluate.ts';
import { recording, type Recording } from './recording.ts';
import { parseExplainPath } from './route.ts';
import { didYouMean, findServing, nearMisses, type RuleMatch } from './rule-match.ts';
import type { Explanation, ExplainRequest, NearMiss, RuleRef } from './types.ts';
import { verdictOf } from './verdict.ts';

const parseBody = (answer: ServedAnswer): unknown => {
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return answer.body;
  }
};

const servedNames = (body: unknown): Set<string> => {
  const items = (body as { items?: { metadata?: { name?: string } }[] } | null)?.items ?? [];
  return new Set(items.flatMap((i) => (i.metadata?.name === undefined ? [] : [i.metadata.name])));
};

interface Served {
  readonly rule?: Explanation['rule'];
  readonly objectLabel?: string;
  readonly objects?: readonly string[];
  readonly outcomes: Outcomes;
}

const NONE: Outcomes = { outcomes: [], straySamples: [] };

const tryLabel = (fn: () => string): string | undefined => {
  try {
    return fn();
  } catch {
    return undefined;
  }
};

const servedCustomOrExternal = (
  deps: ExplainDeps,
  req: ExplainRequest,
  match: RuleMatch,
  rec: Recording,
): Served => {
  const { entry } = match;
  if (entry === undefined) return { outcomes: NONE };
  const rules = deps.state().rules;
  const rule = { ...deps.sources().refOf(entry.rule, rules), seriesName: entry.seriesName };
  const samples = rec.queries.at(-1)?.samples ?? [];
  if (req.api === 'external') return { rule, outcomes: externalOutcomes(samples) };
  const gr = 'groupResource' in entry ? entry.groupResource : undefined;
  const label = gr && tryLabel(() => entry.rule.labelFor(gr));
  const objects = req.name === '*' ? (rec.listings.at(-1) ?? []) : [req.name];
  if (label === undefined) return { rule, objects, outcomes: NONE };
  const ran = rec.queries.length > 0;
  return {
    rule,
    objectLabel: label,
    objects,
    outcomes: ran ? customOutcomes(objects, label, samples) : NONE,
  };
};

const servedResource = (
  deps: ExplainDeps,
  req: ExplainRequest,
  rec: Recording,
  body: unknown,
): Served => {
  const rules = deps.state().resourceRules;
  if (rules === undefined) return { outcomes: NONE };
  const gr = { group: '', resource: req.resource };
  const label = tryLabel(() => rules.cpu.labelFor(gr));
  const rule: RuleRef = deps.sources().refOfPath('resourceRules', 'resourceRules', -1);
  if (label === undefined) return { rule, outcomes: NONE };
  // Queries run in cpu, memory pairs (per namespace for pods).
  const pick = (odd: number) =>
    rec.queries.filter((_, i) => i % 2 === odd).flatMap((q) => q.samples);
  return {
    rule,
    objectLabel: label,
    outcomes: resourceOutcomes(label, pick(0), pick(1), servedNames(body)),
  };
};

/** Explains one request (`path` with or without the leading `/apis/`). */
export const explain = async (
  deps: ExplainDeps,
  path: string,
  signal: AbortSignal,
): Promise<Explanation> => {
  const nowMs = deps.now();
  const req = parseExplainPath(path);
  const match: RuleMatch =
    req.problem === undefined && req.api !== 'resource' ? findServing(deps, req) : {};
  const rec = recording(deps, nowMs);
  const answer = await deps.serve(req.path, rec.taps, signal);
  const body = parseBody(answer);
  const custom = req.api === 'custom' || req.api === 'external';
  const lookedUp = custom && req.problem === undefined && match.problem === undefined;
  const misses: NearMiss[] =
    lookedUp && match.entry === undefined ? await nearMisses(deps, req, match.info, signal) : [];
  const served =
    req.problem !== undefined
      ? { outcomes: NONE }
      : req.api === 'resource'
        ? servedResource(deps, req, rec, body)
        : servedCustomOrExternal(deps, req, match, rec);
  const partial: Omit<Explanation, 'verdict'> = {
    request: req,
    at: new Date(nowMs).toISOString(),
    ...(served.rule ? { rule: served.rule } : {}),
    nearMisses: misses,
    didYouMean:
      lookedUp && match.entry === undefined ? didYouMean(deps.index(), req, match.info) : [],
    ...(served.objectLabel === undefined ? {} : { objectLabel: served.objectLabel }),
    ...(served.objects === undefined ? {} : { objects: served.objects }),
    queries: rec.queries,
    outcomes: served.outcomes.outcomes,
    straySamples: served.outcomes.straySamples,
    answer: { status: answer.status, body },
  };
  return {
    ...partial,
    verdict: verdictOf(partial, match.problem, match.info && groupResourceString(match.info)),
  };
};
