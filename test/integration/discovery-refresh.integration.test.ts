/**
 * `--discovery-interval` really refreshes the resource map (upstream's is a no-op): a resource the
 * cluster starts serving after the adapter started (a CRD, `widgets.example.com`) becomes usable
 * without a restart. Real Prometheus, fake kube API (its discovery documents are swapped live).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_GROUPS } from '../support/fake-kube-discovery.ts';
import { waitFor } from '../support/processes.ts';
import { startAdapter, startHarness, type Harness, type RunningAdapter } from './harness.ts';

const V1 = '/apis/custom.metrics.k8s.io/v1beta1';

const listed = async (adapter: RunningAdapter): Promise<string[]> => {
  const doc = JSON.parse((await adapter.get(V1)).body) as { resources: { name: string }[] };
  return doc.resources.map((r) => r.name);
};

describe('--discovery-interval', { timeout: 120_000 }, () => {
  let h: Harness;
  let adapter: RunningAdapter;

  before(async () => {
    h = await startHarness(1, { widget: 'w1' });
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      '--rate-interval=30s',
      '--discovery-interval=1s',
    ]);
  });
  after(async () => {
    await adapter?.stop();
    await h?.stop();
  });

  it('picks up a resource served after start, without a restart', async () => {
    await waitFor(
      'pods/http_requests listed',
      async () => ((await listed(adapter)).includes('pods/http_requests') ? true : undefined),
      { timeoutMs: 30_000 },
    );
    assert.ok(!(await listed(adapter)).includes('widgets.example.com/http_requests'));

    h.kube.setResponse('/apis', 200, {
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
    h.kube.setResponse('/apis/example.com/v1', 200, {
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
    await waitFor(
      'widgets.example.com/http_requests listed',
      async () =>
        (await listed(adapter)).includes('widgets.example.com/http_requests') ? true : undefined,
      { timeoutMs: 30_000 },
    );
    assert.equal(adapter.process.child.exitCode, null, 'the adapter was not restarted');
  });
});
