/**
 * Test support: a hand-made CompiledRule whose resource mapping treats every label that names a
 * known resource as that resource (like `template: <<.Resource>>`).
 */
import type { CompiledRule, RuleKind } from '../../src/rules/compiled-rule.ts';
import type { GroupResource } from '../../src/kubernetes/types.ts';
import { compileTemplate } from '../../src/lib/go-template/go-template.ts';

const KNOWN: Readonly<Record<string, GroupResource>> = {
  pod: { group: '', resource: 'pods' },
  namespace: { group: '', resource: 'namespaces' },
  node: { group: '', resource: 'nodes' },
  deployment: { group: 'apps', resource: 'deployments' },
};

export const fakeRule = (options: {
  readonly kind?: RuleKind;
  readonly seriesQuery: string;
  readonly path?: string;
  readonly strip?: RegExp;
}): CompiledRule => ({
  kind: options.kind ?? 'custom',
  path: options.path ?? 'rules[0]',
  seriesQuery: options.seriesQuery,
  keepSeries: (name) => options.strip === undefined || options.strip.test(name),
  metricNameFor: (name) => (options.strip ? name.replace(options.strip, '') : name),
  resourcesFor: (labels) => labels.flatMap((l) => (KNOWN[l] ? [KNOWN[l]] : [])),
  labelFor: (gr) => gr.resource.replace(/s$/, ''),
  namespaced: true,
  metricsQuery: compileTemplate('sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'),
});
