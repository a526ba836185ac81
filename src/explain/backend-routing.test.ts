import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainFixture } from '../../test/support/explain-fixture.ts';
import { explain } from './explain.ts';
import { renderText, targetText } from './render-text.ts';

const signal = new AbortController().signal;

/** Every kind of rule on the config backend `vm`, except resourceRules.memory (on `default`). */
const CONFIG = `backends:
- {name: vm, urls: ["http://vm.test"], dialect: metricsql}
rules:
- seriesQuery: '{__name__=~"^http_requests_total$",namespace!="",pod!=""}'
  backend: vm
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: "^(.*)_total$", as: "\${1}_per_second"}
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m]) keep_metric_names) by (<<.GroupBy>>)'
externalRules:
- seriesQuery: '{__name__="queue_messages"}'
  backend: vm
  resources: {overrides: {namespace: {resource: namespace}}}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue) default 0'
resourceRules:
  cpu:
    containerQuery: 'sum(cpu_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    nodeQuery: 'sum(cpu_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    resources: {template: "<<.Resource>>"}
    containerLabel: container
    backend: vm
  memory:
    containerQuery: 'sum(mem_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    nodeQuery: 'sum(mem_usage{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    resources: {template: "<<.Resource>>"}
    containerLabel: container
`;

const VM = (tenant?: string) => ({
  name: 'vm',
  url: 'http://vm.test',
  ...(tenant === undefined ? {} : { tenant: { header: 'X-Tenant', value: tenant } }),
});
const DEFAULT = { name: 'default', url: 'http://default.test' };

describe("explain sends each query to its rule's backend, as serving does, and says where", () => {
  const table = [
    {
      name: 'custom metric of pods',
      path: 'custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_per_second',
      want: [[/keep_metric_names/, VM('team-default')]],
    },
    {
      name: 'external metric',
      path: 'external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages',
      want: [[/default 0$/, VM('team-default')]],
    },
    {
      name: 'resource metrics of pods: cpu on vm, memory on default',
      path: 'metrics.k8s.io/v1beta1/namespaces/default/pods',
      want: [
        [/cpu_usage\{namespace="default"/, VM('team-default')],
        [/mem_usage\{namespace="default"/, DEFAULT],
      ],
    },
    {
      name: 'resource metrics of nodes: root-scoped, no tenant',
      path: 'metrics.k8s.io/v1beta1/nodes',
      want: [
        [/cpu_usage\{node="n1"\}/, VM()],
        [/mem_usage\{node="n1"\}/, DEFAULT],
      ],
    },
  ] as const;
  for (const row of table) {
    it(row.name, async () => {
      const { deps } = explainFixture({ config: CONFIG });
      const e = await explain(deps, row.path, signal);
      assert.equal(e.queries.length, row.want.length, JSON.stringify(e.queries));
      e.queries.forEach((q, i) => {
        const [promql, backend] = row.want[i] ?? [];
        assert.match(q.promql, promql ?? /^$/);
        assert.deepEqual(q.backend, backend, q.promql);
      });
    });
  }

  it('asks the rules that came close for their series on their own backend', async () => {
    const { deps, seriesAsked } = explainFixture({ config: CONFIG });
    const e = await explain(
      deps,
      'custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_request_per_second',
      signal,
    );
    assert.equal(e.answer.status, 404);
    assert.equal(e.nearMisses.length, 1);
    assert.deepEqual(
      seriesAsked.map((s) => s.backend),
      ['vm'],
    );
  });

  it('prints the backend, the URL that answered and the tenant under each query', async () => {
    const { deps } = explainFixture({ config: CONFIG });
    const pods = renderText(
      await explain(deps, 'metrics.k8s.io/v1beta1/namespaces/default/pods', signal),
    );
    assert.match(
      pods,
      /^PromQL {6}sum\(cpu_usage.*\n {12}backend vm, answered by http:\/\/vm.test, tenant header X-Tenant: "team-default"$/m,
    );
    assert.match(
      pods,
      /^PromQL {6}sum\(mem_usage.*\n {12}backend default, answered by http:\/\/default.test, no tenant header$/m,
    );
  });
});

describe('targetText', () => {
  const table = [
    [
      { name: 'default', url: 'http://p:9090' },
      'backend default, answered by http://p:9090, no tenant header',
    ],
    [{ name: 'ha' }, 'backend ha, no URL answered, no tenant header'],
    [
      { name: 'mimir', url: 'http://m', tenant: { header: 'X-Scope-OrgID', value: 'team-a' } },
      'backend mimir, answered by http://m, tenant header X-Scope-OrgID: "team-a"',
    ],
  ] as const;
  for (const [target, want] of table) {
    it(want, () => {
      assert.equal(targetText(target), want);
    });
  }
});
