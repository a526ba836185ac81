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
        'warning: c.yaml:3:17',
        'warning: c.yaml:3:17',
        'warning: c.yaml:2:3',
        'warning: c.yaml:9:17',
        '1 error(s), 4 warning(s)',
      ],
    );
    assert.match(got[0] ?? '', /rules\[1\]\.resources: unable to normalize group-resource/);
    assert.match(
      got[4] ?? '',
      /externalRules\[0\]\.metricsQuery: does not use <<\.LabelMatchers>>/,
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
