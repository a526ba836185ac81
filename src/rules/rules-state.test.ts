import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/config-error.ts';
import { loadConfigWithPositions } from '../config/load.ts';
import { fakeResourceMap } from '../../test/support/fake-resource-map.ts';
import { compileState } from './rules-state.ts';

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
      () => compileState(loaded, fakeResourceMap),
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
