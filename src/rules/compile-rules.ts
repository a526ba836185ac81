/**
 * Compiles the config's `rules` and `externalRules` into CompiledRules, once at start and again
 * when the resource map changes. Every problem of every rule is collected (not just the first),
 * each with its config path, and every `metricsQuery` is rendered with sample values, so a broken
 * template fails the config rather than the first request. The rendered query is then parsed as
 * PromQL: a query the bundled grammar does not know (functions removed in Prometheus 3, newer
 * ones, MetricsQL) is only a warning, as upstream passes queries to the backend unparsed, unless
 * `strictPromql` makes it an error.
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
  /** Rules that load but may not work as meant (unparsable PromQL, no metricsQuery). */
  readonly warnings: readonly RuleProblem[];
}

export interface CompileOptions {
  /** PromQL that does not parse is an error instead of a warning (`--strict-promql`). */
  readonly strictPromql?: boolean;
  /** Where a rule was written, when the config holds rules that did not decode (lint). */
  readonly pathOf?: (rule: object) => string | undefined;
}

/** Where problems of one compile go: errors stop the config, warnings are reported. */
export interface ProblemSink {
  readonly errors: RuleProblem[];
  readonly warnings: RuleProblem[];
  readonly strictPromql: boolean;
}

/**
 * Parses a rendered query as PromQL; a failure goes to errors or warnings (see the file comment).
 * An empty query is not checked: it is answered as upstream does, see `buildQuery`.
 */
export const checkRenderedPromql = (sink: ProblemSink, path: string, rendered: string): void => {
  if (rendered.trim() === '') return;
  const err = checkPromql(rendered);
  if (err === undefined) return;
  const problem = { path, message: err.message };
  if (sink.strictPromql) sink.errors.push(problem);
  else sink.warnings.push({ ...problem, message: `${err.message} (sent to the backend as is)` });
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Sample fields used to render each metricsQuery once at start. */
const SAMPLE_FIELDS = queryFields({
  series: 'sample_metric',
  metricSelector: [],
  namespace: { label: 'namespace', value: 'default' },
  objects: { label: 'pod', names: ['sample-a', 'sample-b'] },
});

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
  where: { readonly kind: RuleKind; readonly path: string; readonly metricsql: boolean },
  resources: ResourceMap,
  sink: ProblemSink,
): CompiledRule | undefined => {
  const { path } = where;
  const problems = sink.errors;
  const naming = attempt(problems, `${path}.name`, () => compileNameMapping(rule));
  // The implicit `is: name.matches` filter would report a broken `matches` a second time.
  const filterProblems = naming === undefined && !rule.seriesFilters?.length ? [] : problems;
  const filter = attempt(filterProblems, `${path}.seriesFilters`, () => compileSeriesFilter(rule));
  const converter = attempt(problems, `${path}.resources`, () =>
    compileResourceConverter(rule.resources, resources),
  );
  const query = attempt(problems, `${path}.metricsQuery`, () => {
    const t = compileTemplate(rule.metricsQuery ?? '', {
      name: `${path}.metricsQuery`,
      fields: QUERY_FIELD_NAMES,
    });
    return { template: t, rendered: t.render(SAMPLE_FIELDS) };
  });
  // A `dialect: metricsql` backend's queries are MetricsQL, which the PromQL parser rejects.
  if (query !== undefined && !where.metricsql) {
    checkRenderedPromql(sink, `${path}.metricsQuery`, query.rendered);
  }
  if (rule.metricsQuery === undefined) {
    sink.warnings.push({
      path,
      message:
        'no metricsQuery: every request for its metrics is answered 404 (custom) or 500 (external), as upstream does',
    });
  }
  if (!filter || !naming || !converter || !query) return undefined;
  return Object.freeze({
    kind: where.kind,
    path,
    seriesQuery: rule.seriesQuery,
    ...(rule.backend === undefined ? {} : { backend: rule.backend }),
    keepSeries: (name: string) => filter(name),
    metricNameFor: (name: string) => naming.metricNameFor(name),
    resourcesFor: (labels: readonly string[]) => converter.resourcesForLabels(labels).resources,
    labelFor: (gr) => converter.labelForResource(gr),
    namespaced: rule.resources?.namespaced ?? true,
    metricsQuery: query.template,
  } satisfies CompiledRule);
};

/** Names of the `dialect: metricsql` backends: their rules' queries are not PromQL-checked. */
export const metricsqlBackends = (config: Pick<AdapterConfig, 'backends'>): ReadonlySet<string> =>
  new Set((config.backends ?? []).filter((b) => b.dialect === 'metricsql').map((b) => b.name));

/** Compiles every custom and external rule; `problems` is empty when all compiled. */
export const compileRules = (
  config: AdapterConfig,
  resources: ResourceMap,
  options: CompileOptions = {},
): CompiledRules => {
  const sink: ProblemSink = {
    errors: [],
    warnings: [],
    strictPromql: options.strictPromql ?? false,
  };
  const rules: CompiledRule[] = [];
  const metricsql = metricsqlBackends(config);
  const add = (list: readonly DiscoveryRule[], kind: RuleKind, key: string) => {
    list.forEach((rule, i) => {
      const path = options.pathOf?.(rule) ?? `${key}[${i}]`;
      const where = { kind, path, metricsql: metricsql.has(rule.backend ?? '') };
      const compiled = compileOne(rule, where, resources, sink);
      if (compiled) rules.push(compiled);
    });
  };
  add(config.rules, 'custom', 'rules');
  add(config.externalRules, 'external', 'externalRules');
  return { rules, problems: sink.errors, warnings: sink.warnings };
};
