/**
 * Compiles `resourceRules` (cpu and memory) for metrics.k8s.io: both query templates, the resource
 * mapping (which must name pods, namespaces and nodes), and the window. Problems carry config
 * paths like `resourceRules.cpu.containerQuery`, collected for all fields at once.
 */
import { parsePromDuration } from '../lib/go-fmt/go-fmt.ts';
import type { ResourceRule, ResourceRules } from '../config/types.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import { compileResourceConverter } from '../naming/resource-labels.ts';
import { checkPromql } from '../query/promql-check.ts';
import { QUERY_FIELD_NAMES, queryFields } from '../query/build.ts';
import { compileTemplate, type TemplateData } from '../lib/go-template/go-template.ts';
import type { CompiledResourceRule, CompiledResourceRules } from '../provider/resource-usage.ts';
import type { RuleProblem } from './compile-rules.ts';

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

const compileQuery = (text: string, path: string, sample: TemplateData) => {
  const t = compileTemplate(text, { name: path, fields: QUERY_FIELD_NAMES });
  const err = checkPromql(t.render(sample));
  if (err !== undefined) throw new Error(err.message);
  return t;
};

const compileOne = (
  rule: ResourceRule,
  path: string,
  resources: ResourceMap,
  problems: RuleProblem[],
): CompiledResourceRule | undefined => {
  const tryAt = <T>(at: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      problems.push({ path: `${path}.${at}`, message: message(err) });
      return undefined;
    }
  };
  const containerQuery = tryAt('containerQuery', () =>
    compileQuery(rule.containerQuery, `${path}.containerQuery`, SAMPLE.container),
  );
  const nodeQuery = tryAt('nodeQuery', () =>
    compileQuery(rule.nodeQuery, `${path}.nodeQuery`, SAMPLE.node),
  );
  const converter = tryAt('resources', () => {
    const c = compileResourceConverter(rule.resources, resources);
    for (const resource of ['pods', 'namespaces', 'nodes'])
      c.labelForResource({ group: '', resource });
    return c;
  });
  if (!containerQuery || !nodeQuery || !converter) return undefined;
  return {
    containerQuery,
    nodeQuery,
    containerLabel: rule.containerLabel ?? '',
    labelFor: (gr) => converter.labelForResource(gr),
  };
};

export const compileResourceRules = (
  rules: ResourceRules,
  resources: ResourceMap,
): { readonly rules?: CompiledResourceRules; readonly problems: readonly RuleProblem[] } => {
  const problems: RuleProblem[] = [];
  const cpu = compileOne(rules.cpu, 'resourceRules.cpu', resources, problems);
  const memory = compileOne(rules.memory, 'resourceRules.memory', resources, problems);
  let windowMs = 0;
  try {
    windowMs = parsePromDuration(rules.window ?? '0');
  } catch (err) {
    problems.push({ path: 'resourceRules.window', message: message(err) });
  }
  if (!cpu || !memory || problems.length > 0) return { problems };
  return { rules: Object.freeze({ cpu, memory, windowMs }), problems };
};
