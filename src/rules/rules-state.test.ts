import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/config-error.ts';
import { loadConfigWithPositions } from '../config/load.ts';
import { fakeResourceMap } from '../../test/support/fake-resource-map.ts';
import { checkState, compileState } from './rules-state.ts';

const BROKEN = `rules:
- seriesQuery: '{namespace!=""}'
  name:
    matches: "^(?=x)(.*)_total$"
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
- seriesQuery: '{namespace!=""}'
  metricsQuery: sum(<<.Serie>>{<<.LabelMatchers>>})
- seriesQuery: '{namespace!=""}'
  resources:
    template: "<<.Resource>>"
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m]) by (<<.GroupBy>>)
- seriesQuery: '{namespace!=""}'
  resources:
    overrides:
      ns: {resource: cheeses}
externalRules:
- seriesQuery: 'queue_depth'
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>})
`;

describe('compileState', () => {
  it('reports every rule problem at once, each with file:line:col and its path', () => {
    const loaded = loadConfigWithPositions(BROKEN, 'adapter.yaml');
    assert.throws(
      () => compileState(loaded, fakeResourceMap, { strictPromql: true }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const lines = err.message.split('\n');
        const expect: [RegExp, RegExp][] = [
          [/^adapter\.yaml:4:5: rules\[0\]\.name: /, /RE2 does not support lookahead/i],
          [/^adapter\.yaml:7:17: rules\[1\]\.metricsQuery: /, /Serie/],
          [/^adapter\.yaml:11:17: rules\[2\]\.metricsQuery: /, /invalid PromQL at column/],
          [/^adapter\.yaml:14:5: rules\[3\]\.resources: /, /cheeses/],
          [/^adapter\.yaml:17:3: externalRules\[0\]\.resources: /, /namespaced external rule/],
        ];
        assert.equal(lines.length, expect.length, err.message);
        expect.forEach(([where, what], i) => {
          assert.match(lines[i] ?? '', where);
          assert.match(lines[i] ?? '', what);
        });
        return true;
      },
    );
  });

  it('PromQL the bundled grammar does not parse is a warning unless strict', () => {
    const loaded = loadConfigWithPositions(BROKEN, 'adapter.yaml');
    const check = checkState(loaded, fakeResourceMap);
    assert.equal(check.errors.length, 4);
    assert.ok(!check.errors.some((p) => p.path === 'rules[2].metricsQuery'));
    const promql = check.warnings.find((p) => p.path === 'rules[2].metricsQuery');
    assert.match(
      `${promql?.line}:${promql?.col} ${promql?.message}`,
      /^11:17 invalid PromQL at column \d+/,
    );
  });

  const queries: readonly [string, string][] = [
    ['Prometheus 2 holt_winters', 'holt_winters(<<.Series>>{<<.LabelMatchers>>}[5m], 0.5, 0.5)'],
    ['MetricsQL keep_metric_names', 'rate(<<.Series>>{<<.LabelMatchers>>}[1m]) keep_metric_names'],
    ['MetricsQL default', 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>) default 0'],
    ['MetricsQL WITH', 'WITH (s = <<.Series>>{<<.LabelMatchers>>}) sum(s) by (<<.GroupBy>>)'],
    ['MetricsQL rollup', 'rollup_rate(<<.Series>>{<<.LabelMatchers>>}[5m])'],
  ];
  for (const [name, query] of queries) {
    it(`loads ${name} with a warning naming the rule and column (strict: an error)`, () => {
      const text = `rules:\n- seriesQuery: 'x_total'\n  resources: {template: "<<.Resource>>"}\n  metricsQuery: '${query}'\n`;
      const loaded = loadConfigWithPositions(text, 'dialect.yaml');
      const state = compileState(loaded, fakeResourceMap);
      assert.equal(state.rules.length, 1);
      assert.deepEqual(
        state.warnings.map((w) => [w.path, w.line]),
        [['rules[0].metricsQuery', 4]],
      );
      assert.match(state.warnings[0]?.message ?? '', /invalid PromQL at column \d+/);
      assert.throws(() => compileState(loaded, fakeResourceMap, { strictPromql: true }), /column/);
    });
  }

  it('a rule without metricsQuery loads, with a warning (its requests fail as upstream)', () => {
    const text = `rules:\n- seriesQuery: 'x_total'\n  resources: {template: "<<.Resource>>"}\n`;
    const state = compileState(loadConfigWithPositions(text, 'q.yaml'), fakeResourceMap);
    assert.equal(state.rules.length, 1);
    assert.deepEqual(
      state.warnings.map((w) => w.path),
      ['rules[0]'],
    );
    assert.match(state.warnings[0]?.message ?? '', /no metricsQuery.*404/);
  });

  it('resourceRules without a node mapping or nodeQuery load, with warnings', () => {
    const rule = (node: string) =>
      `    containerQuery: sum(c{<<.LabelMatchers>>}) by (<<.GroupBy>>)\n${node}` +
      '    resources:\n      overrides:\n        namespace: {resource: namespace}\n        pod: {resource: pod}\n';
    const text =
      'resourceRules:\n  cpu:\n' +
      rule('    nodeQuery: sum(n{<<.LabelMatchers>>}) by (<<.GroupBy>>)\n') +
      '  memory:\n' +
      rule('') +
      '  window: 1m\n';
    const state = compileState(loadConfigWithPositions(text, 'r.yaml'), fakeResourceMap);
    assert.ok(state.resourceRules !== undefined);
    assert.deepEqual(
      state.warnings.map((w) => [w.path, /node metrics are always empty/.test(w.message)]),
      [
        ['resourceRules.cpu.resources', true],
        ['resourceRules.memory.nodeQuery', true],
        ['resourceRules.memory.resources', true],
      ],
    );
  });

  it('a schema problem does not hide the semantic problems of the rules that decoded', () => {
    const text = [
      'rules:',
      "- seriesQuery: 'a_total'",
      '  bogus: 1',
      "  metricsQuery: 'sum(<<.Nope>>)'",
      "- seriesQuery: 'b_total'",
      "  name: {matches: '(x'}",
      "  metricsQuery: 'sum(<<.Series>>)'",
    ].join('\n');
    const loaded = loadConfigWithPositions(text, 'both.yaml', { lenient: true });
    const { errors } = checkState(loaded, fakeResourceMap);
    assert.deepEqual(
      errors.map((p) => `${p.line}:${p.col} ${p.path}`),
      ['3:3 rules[0].bogus', '4:17 rules[0].metricsQuery', '6:9 rules[1].name'],
    );
  });

  it('compiles a good config into frozen rules', () => {
    const loaded = loadConfigWithPositions(
      `rules:\n- seriesQuery: 'http_requests_total'\n  resources: {template: "<<.Resource>>"}\n  name: {matches: "^(.*)_total$"}\n  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'\n`,
      'ok.yaml',
    );
    const state = compileState(loaded, fakeResourceMap);
    assert.equal(state.rules.length, 1);
    assert.equal(state.rules[0]?.metricNameFor('http_requests_total'), 'http_requests');
    assert.ok(Object.isFrozen(state));
  });
});
