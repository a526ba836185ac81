/**
 * Compiles the config's `rules` and `externalRules` into CompiledRules, once at start and again
 * when the resource map changes. Every problem of every rule is collected (not just the first),
 * each with its config path, and every `metricsQuery` is rendered with sample values and parsed
 * as PromQL so a broken template fails the config rather than the first request.
 */
import type { AdapterConfig, DiscoveryRule } from '../config/types.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import { compileNameMapping } from '../naming/namer.ts';
import { compileSeriesFilter } from '../naming/series-filter.ts';
import { compileResourceConverter } from '../naming/resource-labels.ts';
import { checkPromql } from '../query/promql-check.ts';
import { QUERY_FIELD_NAMES, queryFields } from '../query/build.ts';
import { compileTemplate } from '../lib/go-template/go-template.ts';
import type { CompiledRule, RuleKind } from './compiled-rule.ts';

export interface RuleProblem {
  /** Config path, e.g. `rules[3].metricsQuery`. */
  readonly path: string;
  readonly message: string;
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  readonly problems: readonly RuleProblem[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Sample fields used to render each metricsQuery once at start. */
const SAMPLE_FIELDS = queryFields({
  series: 'sample_metric',
  metricSelector: [],
  namespace: { label: 'namespace', value: 'default' },
  objects: { label: 'pod', names: ['sample-a', 'sample-b'] },
});

const DEFAULT_QUERY = 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)';

/** Tries `fn`; on failure records the problem at `path` and returns undefined. */
const attempt = <T>(problems: RuleProblem[], path: string, fn: () => T): T | undefined => {
  try {
    return fn();
  } catch (err) {
    problems.push({ path, message: message(err) });
    return undefined;
  }
};

const compileOne = (
  rule: DiscoveryRule,
  where: { readonly kind: RuleKind; readonly path: string },
  resources: ResourceMap,
  problems: RuleProblem[],
): CompiledRule | undefined => {
  const { path } = where;
  const naming = attempt(problems, `${path}.name`, () => compileNameMapping(rule));
  // The implicit `is: name.matches` filter would report a broken `matches` a second time.
  const filterProblems = naming === undefined && !rule.seriesFilters?.length ? [] : problems;
  const filter = attempt(filterProblems, `${path}.seriesFilters`, () => compileSeriesFilter(rule));
  const converter = attempt(problems, `${path}.resources`, () =>
    compileResourceConverter(rule.resources, resources),
  );
  const query = attempt(problems, `${path}.metricsQuery`, () => {
    const t = compileTemplate(rule.metricsQuery ?? DEFAULT_QUERY, {
      name: `${path}.metricsQuery`,
      fields: QUERY_FIELD_NAMES,
    });
    const rendered = t.render(SAMPLE_FIELDS);
    const err = checkPromql(rendered);
    if (err !== undefined) throw new Error(err.message);
    return t;
  });
  if (!filter || !naming || !converter || !query) return undefined;
  return Object.freeze({
    kind: where.kind,
    path,
    seriesQuery: rule.seriesQuery,
    keepSeries: (name: string) => filter(name),
    metricNameFor: (name: string) => naming.metricNameFor(name),
    resourcesFor: (labels: readonly string[]) => converter.resourcesForLabels(labels).resources,
    labelFor: (gr) => converter.labelForResource(gr),
    namespaced: rule.resources?.namespaced ?? true,
    metricsQuery: query,
  } satisfies CompiledRule);
};

/** Compiles every custom and external rule; `problems` is empty when all compiled. */
export const compileRules = (config: AdapterConfig, resources: ResourceMap): CompiledRules => {
  const problems: RuleProblem[] = [];
  const rules: CompiledRule[] = [];
  const add = (list: readonly DiscoveryRule[], kind: RuleKind, key: string) => {
    list.forEach((rule, i) => {
      const compiled = compileOne(rule, { kind, path: `${key}[${i}]` }, resources, problems);
      if (compiled) rules.push(compiled);
    });
  };
  add(config.rules, 'custom', 'rules');
  add(config.externalRules, 'external', 'externalRules');
  return { rules, problems };
};
