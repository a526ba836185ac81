import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createFakeKubeApi } from '../../test/support/fake-kube-api.ts';
import { useFakeKubeClient } from '../../test/support/fake-kube-client.ts';
import { fakeResourceInfo } from '../../test/support/fake-resource-map.ts';
import { collectionPath, listObjectNames, LIST_PAGE_SIZE } from './objects.ts';
import type { ResourceInfo } from './types.ts';

const PODS = fakeResourceInfo('pods');
const NODES = fakeResourceInfo('nodes');
const DEPLOYMENTS = fakeResourceInfo('deployments');

const fake = createFakeKubeApi();
const kube = useFakeKubeClient(fake, { qps: -1 });

before(() => {
  fake.setPods('default', [
    { name: 'web-1', labels: { app: 'web', tier: 'front' } },
    { name: 'db-1', labels: { app: 'db' } },
    { name: 'web-2', labels: { app: 'web' } },
    { name: 'plain' },
  ]);
  fake.setPods('other ns', [{ name: 'web-x', labels: { app: 'web' } }]);
  fake.setNodes([
    { name: 'node-b', labels: { zone: 'b' } },
    { name: 'node-a', labels: { zone: 'a' } },
  ]);
  fake.setDeployments('default', [{ name: 'web', labels: { app: 'web' } }]);
});

describe('collectionPath', () => {
  it('builds core, group, namespaced and cluster paths with encoded segments', () => {
    assert.equal(collectionPath(PODS, 'default'), '/api/v1/namespaces/default/pods');
    assert.equal(collectionPath(PODS, ''), '/api/v1/pods');
    assert.equal(collectionPath(NODES, ''), '/api/v1/nodes');
    assert.equal(
      collectionPath(DEPLOYMENTS, 'a/b c'),
      '/apis/apps/v1/namespaces/a%2Fb%20c/deployments',
    );
  });
});

describe('listObjectNames', () => {
  const cases: {
    name: string;
    info: ResourceInfo;
    ns: string;
    selector: string;
    want: string[];
  }[] = [
    {
      name: 'all pods in a namespace',
      info: PODS,
      ns: 'default',
      selector: '',
      want: ['web-1', 'db-1', 'web-2', 'plain'],
    },
    { name: 'equality', info: PODS, ns: 'default', selector: 'app=web', want: ['web-1', 'web-2'] },
    {
      name: 'inequality',
      info: PODS,
      ns: 'default',
      selector: 'app!=web',
      want: ['db-1', 'plain'],
    },
    { name: 'set', info: PODS, ns: 'default', selector: 'app in (db,web),tier', want: ['web-1'] },
    { name: 'not exists', info: PODS, ns: 'default', selector: '!app', want: ['plain'] },
    {
      name: 'all namespaces',
      info: PODS,
      ns: '',
      selector: 'app=web',
      want: ['web-1', 'web-2', 'web-x'],
    },
    {
      name: 'namespace needing encoding',
      info: PODS,
      ns: 'other ns',
      selector: '',
      want: ['web-x'],
    },
    {
      name: 'cluster-scoped, API order',
      info: NODES,
      ns: '',
      selector: '',
      want: ['node-b', 'node-a'],
    },
    {
      name: 'group resource',
      info: DEPLOYMENTS,
      ns: 'default',
      selector: 'app=web',
      want: ['web'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(await listObjectNames(kube.client, c.info, c.ns, c.selector), c.want);
    });
  }

  it('sends limit, labelSelector and the metadata-only Accept header', async () => {
    await listObjectNames(kube.client, PODS, 'default', 'app=web');
    const [req] = fake.requests;
    assert.equal(req?.path, '/api/v1/namespaces/default/pods');
    assert.deepEqual(req.query, { limit: String(LIST_PAGE_SIZE), labelSelector: 'app=web' });
    assert.match(req.headers.accept ?? '', /as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/);
  });

  it('pages through large lists with continue tokens', async () => {
    const many = Array.from({ length: LIST_PAGE_SIZE * 2 + 3 }, (_, i) => ({ name: `p-${i}` }));
    fake.setPods('big', many);
    const names = await listObjectNames(kube.client, PODS, 'big', '');
    assert.deepEqual(
      names,
      many.map((p) => p.name),
    );
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.requests[0]?.query['continue'], undefined);
    assert.ok(fake.requests[1]?.query['continue']);
  });

  it('surfaces API errors (bad selector → 400, unknown resource → 404)', async () => {
    await assert.rejects(listObjectNames(kube.client, PODS, 'default', 'a in ('), { status: 400 });
    await assert.rejects(
      listObjectNames(kube.client, { ...PODS, resource: 'widgets' }, 'default', ''),
      {
        status: 404,
        reason: 'NotFound',
      },
    );
  });
});
