import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/default-config.ts';
import { loadConfigWithPositions } from '../config/load.ts';
import { renderConfigYaml } from '../config/render-config.ts';
import { formatLintReport, lintLoaded } from './lint.ts';

const lint = (text: string) => lintLoaded(loadConfigWithPositions(text, 'c.yaml'));
const lines = (text: string) => formatLintReport(lint(text)).split('\n');

describe('lint', () => {
  it('passes the default config cleanly', () => {
    const report = lint(renderConfigYaml(defaultConfig(300_000, '')));
    assert.deepEqual([report.errors, report.warnings], [[], []]);
  });

  it('reports errors and warnings with positions', () => {
    const got = lines(
      [
        'rules:',
        "- seriesQuery: 'x'",
        "  metricsQuery: 'sum(x)'",
        "- seriesQuery: 'y'",
        '  resources: {overrides: {cheese: {group: cheese.io, resource: cheeses}}}',
        'externalRules:',
        "- seriesQuery: 'q'",
        '  resources: {namespaced: false}',
        "  metricsQuery: 'sum(q)'",
      ].join('\n'),
    );
    assert.deepEqual(
      got.map((l) => /^\w+: [^:]+:\d+:\d+|^\d.*/.exec(l)?.[0]),
      [
        'error: c.yaml:5:14',
        'warning: c.yaml:2:3',
        'warning: c.yaml:3:17',
        'warning: c.yaml:3:17',
        'warning: c.yaml:4:3',
        'warning: c.yaml:9:17',
        '1 error(s), 5 warning(s)',
      ],
    );
    assert.match(got[0] ?? '', /rules\[1\]\.resources: unable to normalize group-resource/);
    assert.match(got[4] ?? '', /rules\[1\]: no metricsQuery: every request .* 404/);
    assert.match(
      got[5] ?? '',
      /externalRules\[0\]\.metricsQuery: does not use <<\.LabelMatchers>>/,
    );
  });

  it('reports schema and rule problems in one run (unknown key and broken template)', () => {
    const text = [
      'rules:',
      "- seriesQuery: 'x_total'",
      '  resourcez: {}',
      "  resources: {template: '<<.Resource>>'}",
      "  metricsQuery: 'sum(<<.Seriez>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
    ].join('\n');
    const report = lintLoaded(loadConfigWithPositions(text, 'c.yaml', { lenient: true }));
    assert.deepEqual(
      report.errors.map((p) => `${p.line}:${p.col} ${p.path}`),
      ['3:3 rules[0].resourcez', '5:17 rules[0].metricsQuery'],
    );
  });

  it('warns about PromQL it cannot parse, and errs with strictPromql', () => {
    const text = [
      'rules:',
      "- seriesQuery: 'x_total'",
      "  resources: {template: '<<.Resource>>'}",
      "  metricsQuery: 'rate(<<.Series>>{<<.LabelMatchers>>}[1m]) keep_metric_names by (<<.GroupBy>>)'",
    ].join('\n');
    const loaded = loadConfigWithPositions(text, 'c.yaml');
    const lax = lintLoaded(loaded);
    assert.deepEqual(
      [lax.errors.length, lax.warnings.map((p) => p.path)],
      [0, ['rules[0].metricsQuery']],
    );
    const strict = lintLoaded(loaded, { strictPromql: true });
    assert.deepEqual(
      strict.errors.map((p) => `${p.line}:${p.path}`),
      ['4:rules[0].metricsQuery'],
    );
  });

  it('warns about resourceRules that cannot name nodes', () => {
    const text = [
      'resourceRules:',
      '  cpu: &r',
      "    containerQuery: 'sum(c{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
      "    nodeQuery: 'sum(n{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
      '    resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}',
      '  memory: *r',
    ].join('\n');
    const report = lintLoaded(loadConfigWithPositions(text, 'c.yaml'));
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.warnings.map((p) => [p.path, /node metrics are always empty/.test(p.message)]),
      [
        ['resourceRules.cpu.resources', true],
        ['resourceRules.memory.resources', true],
      ],
    );
  });

  it('knows the standard resources offline', () => {
    const report = lint(
      [
        'rules:',
        "- seriesQuery: 'kube_deployment_spec_replicas'",
        '  resources: {overrides: {namespace: {resource: namespace}, deployment: {group: apps, resource: deployment}}}',
        "  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
      ].join('\n'),
    );
    assert.deepEqual(report.errors, []);
  });
});
