/**
 * Compiles `resourceRules` (cpu and memory) for metrics.k8s.io: both query templates, the resource
 * mapping, and the window. A mapping that cannot name pods, namespaces or nodes, or an empty
 * query, is a warning: upstream starts and answers those metrics with empty lists. Problems carry config
 * paths like `resourceRules.cpu.containerQuery`, collected for all fields at once. Each rule keeps its
 * `backend`; one on a `dialect: metricsql` backend is not PromQL-checked.
 */
import { parsePromDuration } from '../lib/go-fmt/go-fmt.ts';
import type { ResourceRule, ResourceRules } from '../config/types.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import { compileResourceConverter } from '../naming/resource-labels.ts';
import { QUERY_FIELD_NAMES, queryFields } from '../query/build.ts';
import { compileTemplate, type TemplateData } from '../lib/go-template/go-template.ts';
import type { CompiledResourceRule, CompiledResourceRules } from '../provider/resource-usage.ts';
import { checkRenderedPromql, type ProblemSink, type RuleProblem } from './compile-rules.ts';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const SAMPLE = {
  container: queryFields({
    series: '',
    metricSelector: [],
    namespace: { label: 'namespace', value: 'default' },
    objects: { label: 'pod', names: ['sample-a', 'sample-b'] },
    extraGroupBy: ['container'],
  }),
  node: queryFields({ series: '', metricSelector: [], objects: { label: 'node', names: ['n1'] } }),
};

const compileQuery = (
  sink: ProblemSink,
  text: string,
  at: { readonly path: string; readonly sample: TemplateData; readonly metricsql: boolean },
) => {
  const t = compileTemplate(text, { name: at.path, fields: QUERY_FIELD_NAMES });
  // A `dialect: metricsql` backend's queries are MetricsQL, which the PromQL parser rejects.
  if (!at.metricsql) checkRenderedPromql(sink, at.path, t.render(at.sample));
  return t;
};

/** What goes missing when the resource mapping lacks a resource (upstream starts all the same). */
const WITHOUT = {
  pods: 'pod metrics are always empty',
  namespaces: 'pod metrics are always empty',
  nodes: 'node metrics are always empty',
} as const;

const compileOne = (
  rule: ResourceRule,
  where: { readonly path: string; readonly metricsql: ReadonlySet<string> },
  resources: ResourceMap,
  sink: ProblemSink,
): CompiledResourceRule | undefined => {
  const { path } = where;
  const metricsql = where.metricsql.has(rule.backend ?? '');
  const tryAt = <T>(at: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      sink.errors.push({ path: `${path}.${at}`, message: message(err) });
      return undefined;
    }
  };
  const query = (field: 'containerQuery' | 'nodeQuery', sample: TemplateData) => {
    if (rule[field] === '') {
      const what = field === 'nodeQuery' ? WITHOUT.nodes : WITHOUT.pods;
      sink.warnings.push({ path: `${path}.${field}`, message: `not set: ${what}` });
    }
    return tryAt(field, () =>
      compileQuery(sink, rule[field], { path: `${path}.${field}`, sample, metricsql }),
    );
  };
  const containerQuery = query('containerQuery', SAMPLE.container);
  const nodeQuery = query('nodeQuery', SAMPLE.node);
  const converter = tryAt('resources', () => compileResourceConverter(rule.resources, resources));
  if (!containerQuery || !nodeQuery || !converter) return undefined;
  for (const resource of ['pods', 'namespaces', 'nodes'] as const) {
    try {
      converter.labelForResource({ group: '', resource });
    } catch (err) {
      sink.warnings.push({
        path: `${path}.resources`,
        message: `${message(err)}: ${WITHOUT[resource]}`,
      });
    }
  }
  return {
    containerQuery,
    nodeQuery,
    containerLabel: rule.containerLabel ?? '',
    ...(rule.backend === undefined ? {} : { backend: rule.backend }),
    labelFor: (gr) => converter.labelForResource(gr),
  };
};

export const compileResourceRules = (
  rules: ResourceRules,
  resources: ResourceMap,
  options: {
    readonly strictPromql?: boolean;
    /** The `dialect: metricsql` backends (compile-rules.ts `metricsqlBackends`). */
    readonly metricsql?: ReadonlySet<string>;
  } = {},
): {
  readonly rules?: CompiledResourceRules;
  readonly problems: readonly RuleProblem[];
  readonly warnings: readonly RuleProblem[];
} => {
  const sink: ProblemSink = {
    errors: [],
    warnings: [],
    strictPromql: options.strictPromql ?? false,
  };
  const metricsql = options.metricsql ?? new Set<string>();
  const cpu = compileOne(rules.cpu, { path: 'resourceRules.cpu', metricsql }, resources, sink);
  const memory = compileOne(
    rules.memory,
    { path: 'resourceRules.memory', metricsql },
    resources,
    sink,
  );
  let windowMs = 0;
  try {
    windowMs = parsePromDuration(rules.window ?? '0');
  } catch (err) {
    sink.errors.push({ path: 'resourceRules.window', message: message(err) });
  }
  const { errors: problems, warnings } = sink;
  if (!cpu || !memory || problems.length > 0) return { problems, warnings };
  return { rules: Object.freeze({ cpu, memory, windowMs }), problems, warnings };
};
