import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/load.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileResourceRules } from './compile-resource-rules.ts';
import { compileRules, metricsqlBackends } from './compile-rules.ts';

const METRICSQL = 'rate(<<.Series>>{<<.LabelMatchers>>}[1m]) keep_metric_names';

const configWith = (dialect: string) =>
  loadConfig(
    [
      'backends:',
      `- {name: vm, urls: ["http://vm:8428"], dialect: ${dialect}}`,
      'rules:',
      '- seriesQuery: x_total',
      '  backend: vm',
      '  resources: {template: <<.Resource>>}',
      `  metricsQuery: "${METRICSQL}"`,
      '- seriesQuery: y_total',
      '  resources: {template: <<.Resource>>}',
      `  metricsQuery: "${METRICSQL}"`,
    ].join('\n'),
    'c.yaml',
  );

describe('compileRules: backend dialect', () => {
  const table = [
    ['metricsql', ['rules[1].metricsQuery']],
    ['promql', ['rules[0].metricsQuery', 'rules[1].metricsQuery']],
  ] as const;
  for (const [dialect, warned] of table) {
    it(`${dialect}: PromQL warnings only for rules not on a metricsql backend`, () => {
      const out = compileRules(configWith(dialect), builtinResourceMap());
      assert.deepEqual(out.problems, []);
      assert.deepEqual(
        out.warnings.map((w) => w.path),
        warned,
      );
      assert.equal(out.rules.length, 2);
      assert.equal(out.rules[0]?.backend, 'vm');
    });
  }

  it('strict PromQL: a metricsql rule is still not an error', () => {
    const out = compileRules(configWith('metricsql'), builtinResourceMap(), { strictPromql: true });
    assert.deepEqual(
      out.problems.map((p) => p.path),
      ['rules[1].metricsQuery'],
    );
  });
});

describe('compileResourceRules: backend and dialect', () => {
  const resourceConfig = (dialect: string) =>
    loadConfig(
      [
        'backends:',
        `- {name: vm, urls: ["http://vm:8428"], dialect: ${dialect}}`,
        'resourceRules:',
        '  cpu:',
        `    containerQuery: "sum(${METRICSQL}) by (<<.GroupBy>>)"`,
        `    nodeQuery: "sum(${METRICSQL}) by (<<.GroupBy>>)"`,
        '    resources: {template: <<.Resource>>}',
        '    backend: vm',
        '  memory:',
        `    containerQuery: "sum(${METRICSQL}) by (<<.GroupBy>>)"`,
        `    nodeQuery: "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"`,
        '    resources: {template: <<.Resource>>}',
      ].join('\n'),
      'c.yaml',
    );
  const table = [
    ['metricsql', ['resourceRules.memory.containerQuery']],
    [
      'promql',
      [
        'resourceRules.cpu.containerQuery',
        'resourceRules.cpu.nodeQuery',
        'resourceRules.memory.containerQuery',
      ],
    ],
  ] as const;
  for (const [dialect, warned] of table) {
    it(`${dialect}: each rule keeps its backend; PromQL warnings only off metricsql`, () => {
      const config = resourceConfig(dialect);
      const rr = config.resourceRules;
      assert.ok(rr);
      const out = compileResourceRules(rr, builtinResourceMap(), {
        metricsql: metricsqlBackends(config),
      });
      assert.deepEqual(out.problems, []);
      assert.deepEqual(
        out.warnings.map((w) => w.path),
        warned,
      );
      assert.equal(out.rules?.cpu.backend, 'vm');
      assert.equal(out.rules?.memory.backend, undefined);
    });
  }
});
