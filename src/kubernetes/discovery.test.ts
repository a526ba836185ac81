import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFakeKubeApi, statusBody } from '../../test/support/fake-kube-api.ts';
import { useFakeKubeClient } from '../../test/support/fake-kube-client.ts';
import { discoverResources, DiscoveryError } from './discovery.ts';

const fake = createFakeKubeApi();
const kube = useFakeKubeClient(fake, { qps: 1, burst: 1 });

describe('discoverResources against the fake apiserver', () => {
  it('normalises resource names like client-go', async () => {
    const { map, failedGroups } = await discoverResources(kube.client);
    assert.deepEqual(failedGroups, []);
    const cases: [{ group?: string; resource: string }, string | undefined][] = [
      [{ resource: 'pod' }, 'pods'],
      [{ resource: 'pods' }, 'pods'],
      [{ resource: 'Pod' }, 'pods'],
      [{ resource: 'deployment' }, 'deployments.apps'],
      [{ group: 'apps', resource: 'deployments' }, 'deployments.apps'],
      [{ group: 'batch', resource: 'jobs' }, 'jobs.batch'],
      [{ resource: 'ingress' }, 'ingresses.networking.k8s.io'],
      [{ group: 'apps', resource: 'pods' }, undefined],
      [{ resource: 'pods/log' }, undefined],
      [{ resource: 'scale' }, undefined],
      [{ resource: 'widgets' }, undefined],
      [{ group: 'metrics.k8s.io', resource: 'pods' }, undefined],
    ];
    for (const [input, want] of cases) {
      const info = map.resolve(input);
      const got =
        info === undefined ? undefined : [info.resource, info.group].filter(Boolean).join('.');
      assert.equal(got, want, JSON.stringify(input));
    }
  });

  it('reports kinds, versions and namespaced flags', async () => {
    const { map } = await discoverResources(kube.client);
    const scope = Object.fromEntries(
      map.all().map((i) => [`${i.resource}.${i.group}`, i.namespaced]),
    );
    assert.deepEqual(scope, {
      'namespaces.': false,
      'nodes.': false,
      'persistentvolumes.': false,
      'pods.': true,
      'services.': true,
      'deployments.apps': true,
      'replicasets.apps': true,
      'jobs.batch': true,
      'ingresses.networking.k8s.io': true,
    });
    assert.deepEqual(map.resolve({ resource: 'jobs' }), {
      group: 'batch',
      version: 'v1',
      resource: 'jobs',
      singular: 'job',
      kind: 'Job',
      namespaced: true,
    });
  });

  it('never fetches our own metrics groups and bypasses the rate limiter', async () => {
    const started = Date.now();
    await discoverResources(kube.client);
    assert.ok(Date.now() - started < 1000, 'six requests at qps 1 would take seconds');
    assert.deepEqual(fake.requests.map((r) => r.path).sort(), [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/apps/v1',
      '/apis/batch/v1',
      '/apis/networking.k8s.io/v1',
    ]);
  });

  it('tolerates a failing group version and reports it', async () => {
    fake.setResponse('/apis/batch/v1', 503, statusBody(503, 'ServiceUnavailable', 'down'));
    const { map, failedGroups, failures } = await discoverResources(kube.client);
    assert.deepEqual(failedGroups, ['batch/v1']);
    assert.match(String(failures[0]?.error), /down/);
    assert.equal(map.resolve({ resource: 'jobs' }), undefined);
    assert.equal(map.resolve({ resource: 'deployments' })?.group, 'apps');
  });

  it('fails as a whole when /apis fails or nothing is readable', async () => {
    fake.setResponse('/apis', 500, statusBody(500, 'InternalError', 'etcd gone'));
    await assert.rejects(
      discoverResources(kube.client),
      (err: unknown) => err instanceof DiscoveryError && /\/apis/.test(err.message),
    );
    fake.setResponse('/apis', 404, statusBody(404, 'NotFound', 'no'));
    fake.setResponse('/api/v1', 500, statusBody(500, 'InternalError', 'etcd gone'));
    await assert.rejects(
      discoverResources(kube.client),
      /no API group version could be discovered/,
    );
  });
});
