/**
 * Test support: hand-made compiled `resourceRules` whose templates print
 * `<series>{<LabelMatchers>} by (<GroupBy>)` and whose labels are the singular resource names
 * (`pod`, `namespace`, `node`), like `template: <<.Resource>>`.
 */
import { compileTemplate } from '../../src/lib/go-template/go-template.ts';
import type {
  CompiledResourceRule,
  CompiledResourceRules,
} from '../../src/provider/resource-usage.ts';

const rule = (container: string, node: string): CompiledResourceRule => ({
  containerQuery: compileTemplate(`${container}{<<.LabelMatchers>>} by (<<.GroupBy>>)`),
  nodeQuery: compileTemplate(`${node}{<<.LabelMatchers>>} by (<<.GroupBy>>)`),
  containerLabel: 'container',
  labelFor: (gr) => gr.resource.replace(/s$/, ''),
});

export const fakeResourceRules = (windowMs = 300_000): CompiledResourceRules => ({
  cpu: rule('cpu_c', 'cpu_n'),
  memory: rule('mem_c', 'mem_n'),
  windowMs,
});
