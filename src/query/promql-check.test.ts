import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromql } from './promql-check.ts';

describe('checkPromql', () => {
  const cases: readonly { query: string; valid: boolean; offset?: number }[] = [
    {
      query: 'sum(rate(http_requests_total{namespace="a",pod=~"x|y"}[30s])) by (pod)',
      valid: true,
    },
    { query: 'sum by (pod) (irate(container_cpu_usage_seconds_total{pod!=""}[4m]))', valid: true },
    { query: 'sum(x{namespace="a",}) by (pod)', valid: true },
    { query: 'sum(rate(x{a="b"}[5m])) by (pod', valid: false, offset: 31 },
    { query: 'sum(rate(x{a="b"[5m])) by (pod)', valid: false },
    { query: 'rate(x[1x])', valid: false },
    { query: 'sum(rate(x{a="b\\"}"}[5m]))', valid: true },
  ];
  for (const c of cases) {
    it(`${c.valid ? 'accepts' : 'rejects'} ${c.query}`, () => {
      const err = checkPromql(c.query);
      if (c.valid) {
        assert.equal(err, undefined);
        return;
      }
      assert.ok(err, 'expected a syntax error');
      if (c.offset !== undefined) assert.equal(err.offset, c.offset);
      assert.match(err.message, /invalid PromQL at column \d+/);
    });
  }
});
