/**
 * `--discovery-interval` really refreshes the resource map (upstream's is a no-op): a resource the
 * cluster starts serving after the adapter started (a CRD, `widgets.example.com`) becomes usable
 * without a restart. Real Prometheus, fake kube API (its discovery documents are swapped live).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_GROUPS } from '../support/fake-kube-discovery.ts';
import { harnessSuite, listedResources, waitListed } from './harness.ts';

describe('--discovery-interval', { timeout: 120_000 }, () => {
  const suite = harnessSuite(1, ['--rate-interval=30s', '--discovery-interval=1s'], {
    widget: 'w1',
  });

  it('picks up a resource served after start, without a restart', async () => {
    await waitListed(suite.adapter, 'pods/http_requests');
    assert.ok(
      !(await listedResources(suite.adapter)).includes('widgets.example.com/http_requests'),
    );

    suite.h.kube.setResponse('/apis', 200, {
      ...API_GROUPS,
      groups: [
        ...API_GROUPS.groups,
        {
          name: 'example.com',
          versions: [{ groupVersion: 'example.com/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
        },
      ],
    });
    suite.h.kube.setResponse('/apis/example.com/v1', 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'example.com/v1',
      resources: [
        {
          name: 'widgets',
          singularName: 'widget',
          namespaced: true,
          kind: 'Widget',
          verbs: ['get', 'list'],
        },
      ],
    });
    await waitListed(suite.adapter, 'widgets.example.com/http_requests');
    assert.equal(suite.adapter.process.child.exitCode, null, 'the adapter was not restarted');
  });
});
