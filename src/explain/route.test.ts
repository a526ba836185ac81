import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseExplainPath } from './route.ts';

describe('parseExplainPath', () => {
  const cases: readonly [string, Record<string, string>][] = [
    [
      'custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app=sample-app',
      {
        api: 'custom',
        namespace: 'default',
        resource: 'pods',
        name: '*',
        metric: 'http_requests',
        labelSelector: 'app=sample-app',
      },
    ],
    [
      '/apis/custom.metrics.k8s.io/v1beta2/nodes/n1/load',
      {
        api: 'custom',
        namespace: '',
        resource: 'nodes',
        name: 'n1',
        metric: 'load',
        route: 'custom metric of cluster-scoped nodes named n1',
      },
    ],
    [
      'apis/custom.metrics.k8s.io/v1beta1/namespaces/prod/metrics/queue',
      { api: 'custom', namespace: '', resource: 'namespaces', name: 'prod', metric: 'queue' },
    ],
    [
      'external.metrics.k8s.io/v1beta1/namespaces/ns/queue_messages?labelSelector=queue%3Dq1',
      { api: 'external', namespace: 'ns', metric: 'queue_messages', labelSelector: 'queue=q1' },
    ],
    ['metrics.k8s.io/v1beta1/nodes/n1', { api: 'resource', resource: 'nodes', name: 'n1' }],
    [
      'metrics.k8s.io/v1beta1/namespaces/ns/pods',
      { api: 'resource', resource: 'pods', namespace: 'ns', name: '*' },
    ],
  ];
  for (const [path, want] of cases) {
    it(path, () => {
      const got = parseExplainPath(path) as unknown as Record<string, string>;
      assert.equal(got['problem'], undefined);
      assert.ok(got['path']?.startsWith('/apis/'));
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  }
});
