import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainFixture, NOW_MS, vectorOf } from '../../test/support/explain-fixture.ts';
import { explain } from './explain.ts';
import { renderText } from './render-text.ts';

const signal = new AbortController().signal;
const V1 = 'custom.metrics.k8s.io/v1beta1';
const RATE = (pods: string) =>
  `sum(rate(http_requests_total{namespace="default",pod${pods.includes('|') ? '=~' : '='}"${pods}"}[2m])) by (pod)`;

describe('explain: a served metric', () => {
  const served = async () => {
    const answers = new Map([
      [
        RATE('a|b|c'),
        vectorOf([
          [{ pod: 'a' }, 1.5],
          [{ pod: 'b' }, NaN],
          [{ pod: 'x' }, 2],
          [{}, 3],
        ]),
      ],
    ]);
    const { deps } = explainFixture({ answers, names: ['a', 'b', 'c'] });
    return explain(
      deps,
      `/apis/${V1}/namespaces/default/pods/*/http_requests_per_second?labelSelector=app%3Dx`,
      signal,
    );
  };

  it('names the rule with its position, the objects, the PromQL and its time', async () => {
    const e = await served();
    assert.equal(e.request.api, 'custom');
    assert.equal(e.request.route, 'custom metric of pods in namespace default selected by label');
    assert.equal(e.request.labelSelector, 'app=x');
    assert.deepEqual(
      { path: e.rule?.path, file: e.rule?.file, line: e.rule?.line, series: e.rule?.seriesName },
      { path: 'rules[0]', file: 'config.yaml', line: 2, series: 'http_requests_total' },
    );
    assert.deepEqual(e.objects, ['a', 'b', 'c']);
    assert.equal(e.objectLabel, 'pod');
    assert.deepEqual(
      e.queries.map((q) => [q.promql, q.time, q.samples.length]),
      [[RATE('a|b|c'), NOW_MS / 1000, 4]],
    );
  });

  it('gives every object its value or the reason it was dropped, as the answer has them', async () => {
    const e = await served();
    assert.deepEqual(
      e.outcomes.map((o) => [o.name, o.fate.kind, 'value' in o.fate ? o.fate.value : '']),
      [
        ['a', 'served', '1500m'],
        ['b', 'served-nonfinite', '0'],
        ['c', 'dropped', ''],
      ],
    );
    const items = (
      e.answer.body as { items: { describedObject: { name: string }; value: string }[] }
    ).items;
    assert.equal(e.answer.status, 200);
    assert.deepEqual(
      items.map((i) => [i.describedObject.name, i.value]),
      [
        ['a', '1500m'],
        ['b', '0'],
      ],
    );
    assert.deepEqual(
      e.straySamples.map((s) => s.message),
      [
        'pod="x" is not a requested object',
        'has no pod label, so it names no object (does the query group by <<.GroupBy>>?)',
      ],
    );
    assert.equal(e.verdict, '200: 2 value(s) served (1 dropped for lack of a sample, 1 NaN/Inf)');
  });

  it('reads top to bottom as text, and survives JSON', async () => {
    const e = await served();
    const text = renderText(e);
    for (const line of [
      /^Request {5}GET \/apis\/custom.metrics.k8s.io/m,
      /^Rule {8}rules\[0\] at config.yaml:2 /m,
      /^Objects {5}3 matched the selector: a, b, c$/m,
      /^PromQL {6}sum\(rate\(http_requests_total/m,
      /^ +c +dropped: no sample with pod="c" in the result$/m,
      /^Answer {6}HTTP 200$/m,
      /^Verdict {5}200: 2 value/m,
    ]) {
      assert.match(text, line);
    }
    const json = JSON.parse(JSON.stringify(e)) as typeof e;
    assert.equal(json.queries[0]?.samples[1]?.value, 'NaN');
    assert.deepEqual(json.outcomes, e.outcomes);
  });
});

describe('explain: what goes wrong after the rule', () => {
  it('one named object without a sample: 404 and why', async () => {
    const answers = new Map([[RATE('a'), vectorOf([])]]);
    const { deps } = explainFixture({ answers });
    const e = await explain(
      deps,
      `${V1}/namespaces/default/pods/a/http_requests_per_second`,
      signal,
    );
    assert.equal(e.answer.status, 404);
    assert.deepEqual(e.objects, ['a']);
    assert.equal(e.verdict, '404: no sample with pod="a" in the result');
  });

  it('a selector that matches nothing', async () => {
    const { deps, asked } = explainFixture({ names: [] });
    const e = await explain(
      deps,
      `${V1}/namespaces/default/pods/*/http_requests_per_second`,
      signal,
    );
    assert.equal(e.answer.status, 404);
    assert.deepEqual(asked, [], 'no query is run');
    assert.equal(e.verdict, '404: the selector matched no pods');
  });

  it('a failing query: 500, and the error Prometheus gave', async () => {
    const { deps } = explainFixture({ names: ['a'] });
    const e = await explain(
      deps,
      `${V1}/namespaces/default/pods/*/http_requests_per_second`,
      signal,
    );
    assert.equal(e.answer.status, 500);
    assert.match(e.queries[0]?.error ?? '', /unexpected query/);
    assert.match(e.verdict, /^500: the Prometheus query failed: unexpected query/);
  });

  it('a path that names no metric route', async () => {
    const { deps } = explainFixture();
    for (const [path, problem] of [
      ['apps/v1/deployments', /apps is not a metrics API/],
      [`custom.metrics.k8s.io/v9/pods/a/m`, /serves v1beta1, v1beta2, not "v9"/],
      [`${V1}/namespaces/default/pods/a`, /matches no route/],
    ] as const) {
      const e = await explain(deps, path, signal);
      assert.match(e.request.problem ?? '', problem, path);
      assert.equal(e.answer.status, 404, path);
    }
  });
});

describe('explain: external and resource metrics', () => {
  it('external: the rule, the query with the namespace and selector, and each value', async () => {
    const promql = 'sum(queue_messages{queue="q1",namespace="default"}) by (queue)';
    const answers = new Map([[promql, vectorOf([[{ queue: 'q1' }, 7]])]]);
    const { deps } = explainFixture({ answers });
    const e = await explain(
      deps,
      'external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages?labelSelector=queue%3Dq1',
      signal,
    );
    assert.equal(e.rule?.path, 'externalRules[0]');
    assert.deepEqual(
      e.queries.map((q) => q.promql),
      [promql],
    );
    assert.deepEqual(e.outcomes, [{ name: '{queue="q1"}', fate: { kind: 'served', value: '7' } }]);
    assert.equal(e.verdict, '200: 1 value(s) served');
  });

  it('external: a misspelt metric gets the close names', async () => {
    const { deps } = explainFixture();
    const e = await explain(
      deps,
      'external.metrics.k8s.io/v1beta1/namespaces/default/queue_message',
      signal,
    );
    assert.equal(e.answer.status, 404);
    assert.deepEqual(e.didYouMean, ['queue_messages']);
  });

  it('resource: the cpu and memory queries, and the pod lacking memory', async () => {
    const cpu = 'sum(cpu_usage{namespace="default",pod=~"a|b"}) by (pod,container)';
    const mem = 'sum(mem_usage{namespace="default",pod=~"a|b"}) by (pod,container)';
    const answers = new Map([
      [
        cpu,
        vectorOf([
          [{ pod: 'a', container: 'c' }, 0.5],
          [{ pod: 'b', container: 'c' }, 0.1],
        ]),
      ],
      [mem, vectorOf([[{ pod: 'a', container: 'c' }, 1024]])],
    ]);
    const { deps } = explainFixture({ answers, resourceRules: true });
    const e = await explain(deps, 'metrics.k8s.io/v1beta1/namespaces/default/pods', signal);
    assert.equal(e.rule?.path, 'resourceRules');
    assert.deepEqual(
      e.queries.map((q) => q.promql),
      [cpu, mem],
    );
    assert.deepEqual(e.outcomes, [
      { name: 'a', fate: { kind: 'served', value: 'see the answer' } },
      { name: 'b', fate: { kind: 'dropped', message: 'no memory sample for pod="b"' } },
    ]);
    assert.equal(e.answer.status, 200);
  });
});
