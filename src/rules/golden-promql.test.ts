/**
 * Golden PromQL: upstream's examples (upstream-behaviour: query; PA's series_registry_test),
 * reproduced through the real pipeline — default config → compiled rules → index → query.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/default-config.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import { fakeResourceMap } from '../../test/support/fake-resource-map.ts';
import type { Series } from '../prometheus/types.ts';
import { buildQuery } from '../query/build.ts';
import { compileRules } from './compile-rules.ts';
import { buildIndex, contributionOf } from '../discovery/metric-index.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';

const MINUTE = 60_000;

const indexFor = (prefix: string, series: readonly Series[]) => {
  const { rules, problems } = compileRules(defaultConfig(MINUTE, prefix), fakeResourceMap);
  assert.deepEqual(problems, []);
  // What Prometheus would answer each seriesQuery of the default config with.
  const answers = (seriesQuery: string) =>
    series.filter(
      (s) => s.name.startsWith('container_') === seriesQuery.includes('=~"^container_'),
    );
  return buildIndex(
    rules.map((r) => contributionOf(r, shapesOf(answers(r.seriesQuery)))),
    0,
  );
};

const queryFor = (
  index: ReturnType<typeof indexFor>,
  request: {
    gr: GroupResource;
    metric: string;
    namespace: string;
    names: string[];
    selector?: string;
  },
) => {
  const entry = index.findCustom(request.gr, request.namespace !== '', request.metric);
  assert.ok(entry, `indexed ${request.gr.resource}/${request.metric}`);
  const ns =
    request.namespace === ''
      ? {}
      : {
          namespace: {
            label: entry.rule.labelFor({ group: '', resource: 'namespaces' }),
            value: request.namespace,
          },
        };
  return buildQuery(entry.rule.metricsQuery, {
    series: entry.seriesName,
    metricSelector: parseLabelSelector(request.selector ?? ''),
    ...ns,
    objects: { label: entry.rule.labelFor(entry.groupResource), names: request.names },
  });
};

const PODS = { group: '', resource: 'pods' };

describe('golden PromQL of the default config (upstream-behaviour: query)', () => {
  it('container counter over two pods', () => {
    const index = indexFor('', [
      {
        name: 'container_some_count_total',
        labels: { namespace: 'somens', pod: 'somepod1', container: 'c' },
      },
    ]);
    assert.equal(
      queryFor(index, {
        gr: PODS,
        metric: 'some_count',
        namespace: 'somens',
        names: ['somepod1', 'somepod2'],
      }),
      'sum(rate(container_some_count_total{namespace="somens",pod=~"somepod1|somepod2",container!="POD"}[1m])) by (pod)',
    );
  });

  it('prefixed counter with a metric label selector', () => {
    const index = indexFor('kube_', [
      { name: 'ingress_hits_total', labels: { kube_namespace: 'somens', kube_service: 'somesvc' } },
    ]);
    assert.equal(
      queryFor(index, {
        gr: { group: '', resource: 'services' },
        metric: 'ingress_hits',
        namespace: 'somens',
        names: ['somesvc'],
        selector: 'param1=value1',
      }),
      'sum(rate(ingress_hits_total{param1="value1",kube_namespace="somens",kube_service="somesvc"}[1m])) by (kube_service)',
    );
  });

  it('root-scoped gauge', () => {
    const index = indexFor('kube_', [
      { name: 'node_gigawatts', labels: { kube_node: 'somenode' } },
    ]);
    assert.equal(
      queryFor(index, {
        gr: { group: '', resource: 'nodes' },
        metric: 'node_gigawatts',
        namespace: '',
        names: ['somenode'],
      }),
      'sum(node_gigawatts{kube_node="somenode"}) by (kube_node)',
    );
  });

  it('seconds counters keep their own rule; the walkthrough metric is a rate', () => {
    const index = indexFor('', [
      {
        name: 'container_cpu_usage_seconds_total',
        labels: { namespace: 'n', pod: 'p', container: 'c' },
      },
      {
        name: 'http_requests_total',
        labels: { namespace: 'n', pod: 'p', job: 'j', instance: 'i' },
      },
    ]);
    const names = index
      .listCustom()
      .map(
        (e) =>
          `${e.groupResource.resource}${e.groupResource.group ? `.${e.groupResource.group}` : ''}/${e.metric}`,
      );
    assert.deepEqual(names, [
      'jobs.batch/http_requests',
      'namespaces/cpu_usage',
      'namespaces/http_requests',
      'pods/cpu_usage',
      'pods/http_requests',
    ]);
    assert.equal(
      queryFor(index, { gr: PODS, metric: 'http_requests', namespace: 'n', names: ['p'] }),
      'sum(rate(http_requests_total{namespace="n",pod="p"}[1m])) by (pod)',
    );
  });
});
