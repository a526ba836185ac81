import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainFixture, EXPLAIN_SERIES } from '../../test/support/explain-fixture.ts';
import { explain } from './explain.ts';
import type { ReasonCode } from './types.ts';

const signal = new AbortController().signal;
const V1 = 'custom.metrics.k8s.io/v1beta1';

describe('explain: why no rule serves a metric', () => {
  const cases: readonly {
    readonly reason: ReasonCode;
    readonly path: string;
    /** The config path of the rule that must carry the reason. */
    readonly rule: string;
    readonly message: RegExp;
    readonly fixture?: Parameters<typeof explainFixture>[0];
  }[] = [
    {
      reason: 'other-name',
      path: `${V1}/namespaces/default/pods/*/http_requests`,
      rule: 'rules[0]',
      message: /http_requests_total is served as http_requests_per_second, not http_requests/,
    },
    {
      reason: 'filtered-out',
      path: `${V1}/namespaces/default/pods/*/failed`,
      rule: 'rules[1]',
      message:
        /jobs_failed_total is filtered out by seriesFilters\[0\] \(isNot: "\^jobs_failed_total\$"\)/,
    },
    {
      reason: 'name-not-matched',
      path: `${V1}/namespaces/default/pods/*/jobs_done`,
      rule: 'rules[1]',
      message: /jobs_done_count does not match name.matches "\^jobs_\(\.\*\)_total\$"/,
    },
    {
      reason: 'no-series',
      path: `${V1}/namespaces/default/pods/*/queue_depth`,
      rule: 'rules[3]',
      message: /found no series in the last relist window/,
    },
    {
      reason: 'series-query-failed',
      path: `${V1}/namespaces/default/pods/*/http_requests_per_second`,
      rule: 'rules[0]',
      message: /failed: server error: 503/,
      fixture: {
        indexSeries: [],
        failing: ['{__name__=~"^http_requests_total$",namespace!="",pod!=""}'],
      },
    },
    {
      reason: 'resource-not-mapped',
      path: `${V1}/namespaces/default/deployments.apps/*/http_requests_per_second`,
      rule: 'rules[0]',
      message: /labels \[namespace, pod\], which map to namespaces, pods; none to deployments.apps/,
    },
    {
      reason: 'not-namespaced',
      path: `${V1}/namespaces/default/nodes/n1/node_load1`,
      rule: 'rules[2]',
      message: /nodes is not namespaced/,
    },
    {
      reason: 'namespaced-resource',
      path: `${V1}/pods/a/http_requests_per_second`,
      rule: 'rules[0]',
      message: /pods is namespaced: ask under \/namespaces\/<namespace>\//,
    },
    {
      reason: 'shadowed',
      path: `${V1}/namespaces/default/pods/*/http_requests_per_second`,
      rule: 'rules[0]',
      message: /would serve it from http_requests_total/,
      fixture: { indexSeries: EXPLAIN_SERIES.filter((s) => s.name !== 'http_requests_total') },
    },
  ];
  for (const c of cases) {
    it(`${c.reason}: ${c.path}`, async () => {
      const { deps } = explainFixture(c.fixture);
      const e = await explain(deps, c.path, signal);
      assert.equal(e.rule, undefined, 'no rule serves it');
      assert.equal(e.answer.status, 404);
      const miss = e.nearMisses.find((m) => m.rule.path === c.rule);
      assert.ok(
        miss,
        `${c.rule} is listed among ${e.nearMisses.map((m) => m.rule.path).join(', ')}`,
      );
      const reason = miss.reasons.find((r) => r.code === c.reason);
      assert.ok(reason, `${c.reason} among ${miss.reasons.map((r) => r.code).join(', ')}`);
      assert.match(reason.message, c.message);
      assert.equal(miss.rule.file, 'config.yaml');
      assert.ok(miss.rule.line > 1, 'the rule is positioned');
    });
  }

  it('an unknown resource is the reason, before any rule', async () => {
    const { deps } = explainFixture();
    const e = await explain(deps, `${V1}/namespaces/default/widgets/*/foo`, signal);
    assert.match(e.verdict, /^404: the cluster has no resource "widgets"/);
    assert.deepEqual(e.nearMisses, []);
  });

  it('names the served metric the user probably meant', async () => {
    const { deps } = explainFixture();
    const e = await explain(deps, `${V1}/namespaces/default/pods/*/http_requests`, signal);
    assert.deepEqual(e.didYouMean, [
      'pods/http_requests_per_second',
      'namespaces/http_requests_per_second',
    ]);
    assert.equal(
      e.verdict,
      '404: no rule serves pods/http_requests; did you mean pods/http_requests_per_second?',
    );
  });

  it('leaves out rules that have nothing to do with the metric', async () => {
    const { deps } = explainFixture();
    const e = await explain(deps, `${V1}/namespaces/default/pods/*/http_requests`, signal);
    assert.deepEqual(
      e.nearMisses.map((m) => m.rule.path),
      ['rules[0]', 'rules[3]'],
    );
  });
});
