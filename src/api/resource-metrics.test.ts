import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  handleResourceMetrics,
  METRICS_RESOURCES,
  resourceMetricsGroup,
  resourceRoute,
} from './resource-metrics.ts';
import { ApiError, notFound } from './errors.ts';
import type { NodeMetrics, PodMetrics, ResourceMetricsProvider } from './resource-provider.ts';
import type { RouteContext } from './api-group.ts';

const NOW_MS = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const MI = 1024n * 1024n * 1000n; // 1Mi in millibytes

const node: NodeMetrics = {
  name: 'n1',
  labels: { role: 'worker' },
  timestamp: Date.UTC(2025, 0, 2, 3, 4, 0) / 1000 + 0.9,
  windowMs: 300_000,
  usage: { cpu: 250n, memory: MI },
};

const pod: PodMetrics = {
  name: 'web-1',
  namespace: 'default',
  labels: {},
  timestamp: Date.UTC(2025, 0, 2, 3, 4, 1) / 1000,
  windowMs: 90_000,
  containers: [
    { name: 'app', usage: { cpu: 3n, memory: 1048577000n } },
    { name: 'side', usage: { cpu: 1500n, memory: 500000n } },
  ],
};

const calls: unknown[][] = [];
const provider: ResourceMetricsProvider = {
  listNodes: (selector, fields) => {
    calls.push(['listNodes', selector, fields]);
    return Promise.resolve([node]);
  },
  getNode: (name) =>
    name === 'n1' ? Promise.resolve(node) : Promise.reject(notFound(`node "${name}" not found`)),
  listPods: (namespace, selector, fields) => {
    calls.push(['listPods', namespace, selector, fields]);
    return Promise.resolve([pod]);
  },
  getPod: (namespace, name) =>
    namespace === 'default' && name === 'web-1'
      ? Promise.resolve(pod)
      : Promise.reject(notFound('nope')),
};

const request = (path: string, accept?: string) => {
  const [p = '', q = ''] = path.split('?');
  return {
    segments: p.split('/'),
    query: new URLSearchParams(q),
    accept,
    signal: new AbortController().signal,
  };
};

const get = (path: string, accept?: string) =>
  handleResourceMetrics(request(path, accept), provider, NOW_MS);

const NODE_ITEM = {
  metadata: { name: 'n1', creationTimestamp: '2025-01-02T03:04:05Z', labels: { role: 'worker' } },
  timestamp: '2025-01-02T03:04:00Z',
  window: '5m0s',
  usage: { cpu: '250m', memory: '1Mi' },
};

const POD_ITEM = {
  metadata: { name: 'web-1', namespace: 'default', creationTimestamp: '2025-01-02T03:04:05Z' },
  timestamp: '2025-01-02T03:04:01Z',
  window: '1m30s',
  containers: [
    { name: 'app', usage: { cpu: '3m', memory: '1048577' } },
    { name: 'side', usage: { cpu: '1500m', memory: '500' } },
  ],
};

describe('metrics.k8s.io routes', () => {
  const routes: [string, unknown][] = [
    ['nodes', { kind: 'nodes' }],
    ['nodes/', { kind: 'nodes' }],
    ['nodes/n1', { kind: 'node', name: 'n1' }],
    ['pods', { kind: 'pods', namespace: '' }],
    ['namespaces/ns/pods', { kind: 'pods', namespace: 'ns' }],
    ['namespaces/ns/pods/p', { kind: 'pod', namespace: 'ns', name: 'p' }],
    ['pods/p', undefined],
    ['nodes/n1/x', undefined],
    ['namespaces/ns/nodes', undefined],
    ['namespaces/ns', undefined],
    ['namespaces//pods', undefined],
    ['services', undefined],
  ];
  for (const [path, want] of routes) {
    it(`${path} → ${JSON.stringify(want)}`, () => {
      assert.deepEqual(resourceRoute(path.split('/')), want);
    });
  }

  it('discovery lists nodes and pods', () => {
    assert.deepEqual(
      METRICS_RESOURCES.map((r) => [r.name, r.kind, r.namespaced, r.verbs.join(',')]),
      [
        ['nodes', 'NodeMetrics', false, 'get,list'],
        ['pods', 'PodMetrics', true, 'get,list'],
      ],
    );
  });
});

describe('metrics.k8s.io JSON', () => {
  it('NodeMetricsList (BinarySI memory, Go duration window, sample timestamp)', async () => {
    assert.deepEqual(await get('nodes?labelSelector=role%3Dworker'), {
      kind: 'NodeMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: [NODE_ITEM],
    });
  });

  it('NodeMetrics', async () => {
    assert.deepEqual(await get('nodes/n1'), {
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      ...NODE_ITEM,
    });
  });

  it('PodMetricsList and PodMetrics (`1048577`, `500`, labels omitted when empty)', async () => {
    assert.deepEqual(await get('namespaces/default/pods'), {
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: [POD_ITEM],
    });
    assert.deepEqual(await get('namespaces/default/pods/web-1'), {
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      ...POD_ITEM,
    });
  });

  it('passes selectors to the provider', async () => {
    calls.length = 0;
    await get('pods?labelSelector=app%3Dweb&fieldSelector=metadata.namespace%3Ddefault');
    assert.deepEqual(calls, [
      [
        'listPods',
        '',
        [{ key: 'app', operator: 'equals', values: ['web'] }],
        [{ field: 'metadata.namespace', operator: '=', value: 'default' }],
      ],
    ]);
  });
});

describe('metrics.k8s.io as=Table', () => {
  const TABLE_V1 =
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const columns = [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name of the resource',
      priority: 0,
    },
    { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
    { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
    { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
  ];

  it('pods: summed container usage, PartialObjectMetadata rows', async () => {
    assert.deepEqual(await get('pods', TABLE_V1), {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {},
      columnDefinitions: columns,
      rows: [
        {
          cells: ['web-1', '1503m', '1049077'],
          object: {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: POD_ITEM.metadata,
          },
        },
      ].map((r) => ({ ...r, cells: [...r.cells, '1m30s'] })),
    });
  });

  it('nodes: v1beta1 when only that is asked, includeObject=None and Object', async () => {
    const none = (await get(
      'nodes?includeObject=None',
      'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
    )) as {
      apiVersion: string;
      rows: unknown[];
    };
    assert.equal(none.apiVersion, 'meta.k8s.io/v1beta1');
    assert.deepEqual(none.rows, [{ cells: ['n1', '250m', '1Mi', '5m0s'], object: null }]);
    const full = (await get('nodes/n1?includeObject=Object', TABLE_V1)) as {
      rows: { object: unknown }[];
    };
    assert.deepEqual(full.rows[0]?.object, {
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      ...NODE_ITEM,
    });
  });

  const accepts: [string | undefined, boolean][] = [
    [undefined, false],
    ['application/json', false],
    ['*/*', false],
    ['application/json, application/json;as=Table;v=v1;g=meta.k8s.io', false],
    [
      'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io',
      true,
    ],
    ['application/json;as=Table;v=v2;g=meta.k8s.io, application/json', false],
    ['application/json;as=Table;v=v1;g=meta.k8s.io;q=0, application/json', false],
  ];
  for (const [accept, table] of accepts) {
    it(`Accept ${String(accept)} → ${table ? 'Table' : 'list'}`, async () => {
      const body = (await get('nodes', accept)) as { kind: string };
      assert.equal(body.kind, table ? 'Table' : 'NodeMetricsList');
    });
  }
});

describe('metrics.k8s.io errors', () => {
  const cases: [string, number, string, string][] = [
    ['pods/p', 404, 'NotFound', 'the server could not find the requested resource'],
    [
      'nodes?watch=true',
      405,
      'MethodNotAllowed',
      'watch is not supported on resources of kind "nodes.metrics.k8s.io"',
    ],
    [
      'pods?watch=1',
      405,
      'MethodNotAllowed',
      'watch is not supported on resources of kind "pods.metrics.k8s.io"',
    ],
    ['pods?labelSelector=a%3D%3D%3D', 400, 'BadRequest', ''],
    ['pods?fieldSelector=x', 400, 'BadRequest', "invalid selector: 'x'; can't understand 'x'"],
    [
      'pods?fieldSelector=spec.nodeName%3Dn1',
      400,
      'BadRequest',
      '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['nodes/n9', 404, 'NotFound', 'node "n9" not found'],
  ];
  for (const [path, code, reason, message] of cases) {
    it(`${path} → ${code}`, async () => {
      await assert.rejects(
        get(path),
        (err: unknown) =>
          err instanceof ApiError &&
          err.code === code &&
          err.reason === reason &&
          (message === '' || err.message === message),
      );
    });
  }
});

describe('resourceMetricsGroup', () => {
  it('matches only its routes and reads the Accept header', async () => {
    const group = resourceMetricsGroup(provider, () => NOW_MS);
    assert.equal(group.match(['services']), undefined);
    const handler = group.match(['nodes']);
    assert.ok(handler);
    const ctx = {
      version: 'v1beta1',
      query: new URLSearchParams(),
      signal: new AbortController().signal,
      headers: {},
    } as unknown as RouteContext;
    assert.equal(((await handler(ctx)) as { kind: string }).kind, 'NodeMetricsList');
    const withAccept = {
      ...ctx,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    };
    assert.equal(((await handler(withAccept)) as { kind: string }).kind, 'Table');
  });
});
