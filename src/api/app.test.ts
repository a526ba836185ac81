import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import { silentLogger } from '../log.ts';
import { createApp, type AppDeps, type RequestRecord } from './app.ts';
import { metricNotFound } from './errors.ts';
import type { ApiRequest, ApiResponse } from './http-types.ts';
import type {
  CustomMetricsProvider,
  CustomMetricValue,
  ExternalMetricsProvider,
  ExternalMetricValue,
} from './provider.ts';

// ── fakes, mirroring custom-metrics-apiserver's installer/apiserver_test.go ─────────────────────

const T0 = 1_719_385_626; // 2024-06-26T07:07:06Z
const matchesFooBar = (sel: LabelSelector): boolean =>
  sel.some((r) => r.key === 'foo' && r.operator === 'equals' && r.values[0] === 'bar');

const value = (
  resource: string,
  name: string,
  namespace: string,
  metric: string,
): CustomMetricValue => ({
  describedObject: {
    kind: resource === 'pods' ? 'Pod' : resource === 'nodes' ? 'Node' : 'Namespace',
    ...(namespace === '' ? {} : { namespace }),
    name,
    apiVersion: 'v1',
  },
  metricName: metric,
  timestamp: T0 + 0.75,
  value: '66m',
});

const many = (resource: string, ns: string, n: number): CustomMetricValue[] =>
  Array.from({ length: n }, (_, i) => value(resource, `${resource}-${i}`, ns, 'some-metric'));

/** 4 nodes (2 match foo=bar), 16 pods in `ns` (8 match), single nodes/foo, pods/foo, namespace ns. */
const customProvider = (): CustomMetricsProvider & { seen: unknown[] } => {
  const seen: unknown[] = [];
  const sets: Record<string, [CustomMetricValue[], number]> = {
    'nodes/*/some-metric': [many('nodes', '', 4), 2],
    'ns/pods/*/some-metric': [many('pods', 'ns', 16), 8],
  };
  const single: Record<string, CustomMetricValue> = {
    'nodes/foo/some-metric': value('nodes', 'foo', '', 'some-metric'),
    'namespaces/ns/some-metric': value('namespaces', 'ns', '', 'some-metric'),
    'ns/pods/foo/some-metric': value('pods', 'foo', 'ns', 'some-metric'),
  };
  const key = (r: { namespace: string; resource: string; metric: string }, name: string) =>
    `${r.namespace === '' ? '' : `${r.namespace}/`}${r.resource}/${name}/${r.metric}`;
  return {
    seen,
    listMetrics: () => [
      { groupResource: 'pods', metric: 'some-metric', namespaced: true },
      { groupResource: 'namespaces', metric: 'some-metric', namespaced: false },
      { groupResource: 'jobs.batch', metric: 'http_requests', namespaced: true },
    ],
    getByName: async (req) => {
      seen.push(req);
      const v = single[key(req, req.name)];
      if (v === undefined) throw metricNotFound(req.metric, req.resource, req.name);
      return Promise.resolve(v);
    },
    getBySelector: async (req) => {
      seen.push(req);
      const entry = sets[key(req, '*')];
      if (entry === undefined) throw metricNotFound(req.metric, req.resource);
      return Promise.resolve(matchesFooBar(req.selector) ? entry[0].slice(0, entry[1]) : entry[0]);
    },
  };
};

const externalProvider = (): ExternalMetricsProvider => ({
  listMetrics: () => ['my-external-metric', 'queue_depth'],
  get: async (req) => {
    if (req.metric !== 'my-external-metric') throw metricNotFound(req.metric, '');
    const items: ExternalMetricValue[] = [
      {
        metricName: 'my-external-metric',
        metricLabels: { foo: 'bar' },
        timestamp: T0,
        value: '10',
      },
      { metricName: 'my-external-metric', metricLabels: null, timestamp: T0, value: '2500m' },
    ];
    return Promise.resolve(matchesFooBar(req.selector) ? items.slice(0, 1) : items);
  },
});

const baseDeps = (over: Partial<AppDeps> = {}): AppDeps => ({
  custom: customProvider(),
  external: externalProvider(),
  health: { readyChecks: () => ({ 'metric-index': undefined }), liveChecks: () => ({}) },
  now: () => new Date(T0 * 1000),
  version: { gitVersion: 'v0.1.0' },
  logger: silentLogger(),
  serverAddress: ':6443',
  newAuditId: () => 'audit-1',
  ...over,
});

const get = (path: string, headers: ApiRequest['headers'] = {}, method = 'GET'): ApiRequest => ({
  method,
  path,
  headers,
});

const json = (res: ApiResponse): unknown => JSON.parse(res.body.toString()) as unknown;
const items = (res: ApiResponse): unknown[] => (json(res) as { items: unknown[] }).items;

const CM = '/apis/custom.metrics.k8s.io';
const EM = '/apis/external.metrics.k8s.io/v1beta1';

// ── the route table ──────────────────────────────────────────────────────────────────────────

describe('route table', () => {
  const cases: [name: string, method: string, path: string, status: number, count?: number][] = [
    ['discovery root', 'GET', '/apis/', 200],
    ['missing storage', 'GET', `${CM}/v1beta1/blah`, 404],
    ['root resource leaf', 'GET', `${CM}/v1beta1/nodes/foo`, 404],
    ['namespaced resource leaf', 'GET', `${CM}/v1beta1/namespaces/ns/pods/bar`, 404],
    ['all nodes (root)', 'GET', `${CM}/v1beta1/nodes/*/some-metric`, 200, 4],
    ['all nodes, encoded star', 'GET', `${CM}/v1beta1/nodes/%2A/some-metric`, 200, 4],
    ['all pods (namespaced)', 'GET', `${CM}/v1beta1/namespaces/ns/pods/*/some-metric`, 200, 16],
    ['namespace metric', 'GET', `${CM}/v1beta1/namespaces/ns/metrics/some-metric`, 200, 1],
    [
      'label-selected nodes',
      'GET',
      `${CM}/v1beta1/nodes/*/some-metric?labelSelector=foo%3Dbar`,
      200,
      2,
    ],
    [
      'label-selected pods',
      'GET',
      `${CM}/v1beta1/namespaces/ns/pods/*/some-metric?labelSelector=foo%3Dbar`,
      200,
      8,
    ],
    ['single node', 'GET', `${CM}/v1beta1/nodes/foo/some-metric`, 200, 1],
    ['single pod', 'GET', `${CM}/v1beta1/namespaces/ns/pods/foo/some-metric`, 200, 1],
    ['v1beta2 all pods', 'GET', `${CM}/v1beta2/namespaces/ns/pods/*/some-metric`, 200, 16],
    ['v1beta2 namespace metric', 'GET', `${CM}/v1beta2/namespaces/ns/metrics/some-metric`, 200, 1],
    ['unknown metric', 'GET', `${CM}/v1beta1/nodes/bar/some-metric`, 404],
    ['namespaces/{ns}/{x}: invalid path', 'GET', `${CM}/v1beta1/namespaces/ns/some-metric`, 400],
    ['trailing slash leaf: invalid path', 'GET', `${CM}/v1beta1/nodes/foo/`, 400],
    ['too deep', 'GET', `${CM}/v1beta1/nodes/foo/some-metric/x`, 404],
    ['bad labelSelector', 'GET', `${CM}/v1beta1/nodes/*/some-metric?labelSelector=a%3D%3D%3D`, 400],
    [
      'fieldSelector matching name',
      'GET',
      `${CM}/v1beta1/nodes/foo/some-metric?fieldSelector=metadata.name%3Dfoo`,
      200,
      1,
    ],
    [
      'fieldSelector other name',
      'GET',
      `${CM}/v1beta1/nodes/foo/some-metric?fieldSelector=metadata.name%3Dbar`,
      400,
    ],
    [
      'fieldSelector on namespace form',
      'GET',
      `${CM}/v1beta1/namespaces/ns/metrics/some-metric?fieldSelector=metadata.name%3Dns`,
      200,
      1,
    ],
    [
      'bad metricLabelSelector',
      'GET',
      `${CM}/v1beta1/nodes/foo/some-metric?metricLabelSelector=%3D`,
      500,
    ],
    ['POST on a metric route', 'POST', `${CM}/v1beta1/nodes/*/some-metric`, 405],
    ['unknown version', 'GET', `${CM}/v9/nodes/*/some-metric`, 404],
    ['group document', 'GET', CM, 200],
    ['external metric', 'GET', `${EM}/namespaces/default/my-external-metric`, 200, 2],
    [
      'external with selector',
      'GET',
      `${EM}/namespaces/default/my-external-metric?labelSelector=foo%3Dbar`,
      200,
      1,
    ],
    ['external unknown metric', 'GET', `${EM}/namespaces/foo/nonexistent-metric`, 404],
    ['external at root scope', 'GET', `${EM}/nonexistent-metric`, 404],
    ['external without metric name', 'GET', `${EM}/namespaces/foo`, 404],
    ['external metric with slashes', 'GET', `${EM}/namespaces/foo/group/metric`, 404],
    ['external watch', 'GET', `${EM}/namespaces/default/my-external-metric?watch=true`, 405],
    [
      'external bad selector',
      'GET',
      `${EM}/namespaces/default/my-external-metric?labelSelector=%21`,
      400,
    ],
    ['elsewhere', 'GET', '/blah', 404],
    ['unknown group', 'GET', '/apis/metrics.k8s.io/v1beta1/nodes', 404],
    ['version', 'GET', '/version', 200],
    ['version POST', 'POST', '/version', 405],
    ['bad percent-encoding', 'GET', '/apis/%zz', 400],
    ['special verb without resource', 'GET', `${CM}/v1beta1/watch`, 500],
    ['HEAD on a go-restful route', 'HEAD', '/apis', 405],
    ['health answers any method', 'POST', '/healthz', 200],
  ];
  const app = createApp(baseDeps());
  for (const [name, method, path, status, count] of cases) {
    it(`${name}: ${method} ${path} → ${status}`, async () => {
      const res = await app.handle(get(path, {}, method));
      assert.equal(res.status, status, res.body.toString());
      if (count !== undefined) assert.equal(items(res).length, count);
    });
  }
});

// ── provider requests ────────────────────────────────────────────────────────────────────────

describe('provider requests', () => {
  const cases: [path: string, want: Record<string, unknown>][] = [
    [
      `${CM}/v1beta1/nodes/foo/some-metric`,
      { resource: 'nodes', metric: 'some-metric', namespace: '', name: 'foo' },
    ],
    [
      `${CM}/v1beta1/namespaces/ns/metrics/some-metric`,
      { resource: 'namespaces', namespace: '', name: 'ns' },
    ],
    [
      `${CM}/v1beta1/namespaces/ns/pods/*/some-metric?labelSelector=foo%3Dbar`,
      { resource: 'pods', namespace: 'ns' },
    ],
    [
      `${CM}/v1beta2/deployments.apps/web/some-metric?metricLabelSelector=a%3Db`,
      { resource: 'deployments.apps', name: 'web' },
    ],
  ];
  for (const [path, want] of cases) {
    it(path, async () => {
      const provider = customProvider();
      await createApp(baseDeps({ custom: provider })).handle(get(path));
      const seen = provider.seen[0] as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(seen[k], v, k);
    });
  }
});

// ── shared answers ───────────────────────────────────────────────────────────────────────────

describe('a provider answering with the very same values array', () => {
  const path = `${CM}/v1beta1/nodes/*/some-metric`;
  const cases: readonly [name: string, second: string, same: boolean][] = [
    ['the same request: the same encoded body', path, true],
    ['another version: its own body', path.replace('v1beta1', 'v1beta2'), false],
    ['indented: its own body', `${path}?pretty=true`, false],
  ];
  for (const [name, second, same] of cases) {
    it(name, async () => {
      const app = createApp(baseDeps());
      const a = await app.handle(get(path));
      const b = await app.handle(get(second));
      assert.equal(a.body === b.body, same);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
    });
  }
});

// ── exact JSON ───────────────────────────────────────────────────────────────────────────────

describe('golden JSON', () => {
  const app = createApp(baseDeps());
  const body = async (path: string, headers: ApiRequest['headers'] = {}) =>
    (await app.handle(get(path, headers))).body.toString();

  it('v1beta1 single object, with metricLabelSelector', async () => {
    assert.equal(
      await body(
        `${CM}/v1beta1/namespaces/ns/pods/foo/some-metric?metricLabelSelector=app%20in%20(a,b),tier%3Dweb`,
      ),
      '{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"items":[' +
        '{"describedObject":{"kind":"Pod","namespace":"ns","name":"foo","apiVersion":"v1"},"metricName":"some-metric",' +
        '"timestamp":"2024-06-26T07:07:06Z","value":"66m","selector":{"matchLabels":{"tier":"web"},' +
        '"matchExpressions":[{"key":"app","operator":"In","values":["a","b"]}]}}]}\n',
    );
  });

  it('v1beta1 root object without selector: selector null, no namespace', async () => {
    assert.equal(
      await body(`${CM}/v1beta1/nodes/foo/some-metric`),
      '{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"items":[' +
        '{"describedObject":{"kind":"Node","name":"foo","apiVersion":"v1"},"metricName":"some-metric",' +
        '"timestamp":"2024-06-26T07:07:06Z","value":"66m","selector":null}]}\n',
    );
  });

  it('v1beta2 namespace object', async () => {
    assert.equal(
      await body(`${CM}/v1beta2/namespaces/ns/metrics/some-metric`),
      '{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[' +
        '{"describedObject":{"kind":"Namespace","name":"ns","apiVersion":"v1"},' +
        '"metric":{"name":"some-metric","selector":null},"timestamp":"2024-06-26T07:07:06Z","value":"66m"}]}\n',
    );
  });

  it('external list, scalar labels null', async () => {
    assert.equal(
      await body(`${EM}/namespaces/default/my-external-metric`),
      '{"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata":{},"items":[' +
        '{"metricName":"my-external-metric","metricLabels":{"foo":"bar"},"timestamp":"2024-06-26T07:07:06Z","value":"10"},' +
        '{"metricName":"my-external-metric","metricLabels":null,"timestamp":"2024-06-26T07:07:06Z","value":"2500m"}]}\n',
    );
  });

  it('APIGroupList lists custom (v1beta1 preferred, v1beta2 too) then external', async () => {
    const gv = (g: string, v: string) => `{"groupVersion":"${g}/${v}","version":"${v}"}`;
    const cidrs =
      '"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":":6443"}]';
    const c = 'custom.metrics.k8s.io';
    const e = 'external.metrics.k8s.io';
    assert.equal(
      await body('/apis'),
      `{"kind":"APIGroupList","groups":[` +
        `{"name":"${c}","versions":[${gv(c, 'v1beta1')},${gv(c, 'v1beta2')}],"preferredVersion":${gv(c, 'v1beta1')},${cidrs}},` +
        `{"name":"${e}","versions":[${gv(e, 'v1beta1')}],"preferredVersion":${gv(e, 'v1beta1')},${cidrs}}]}\n`,
    );
  });

  it('APIGroup, legacy JSON even for the aggregated-discovery Accept', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    assert.equal(
      await body(CM, { accept }),
      '{"kind":"APIGroup","apiVersion":"v1","name":"custom.metrics.k8s.io","versions":[' +
        '{"groupVersion":"custom.metrics.k8s.io/v1beta1","version":"v1beta1"},' +
        '{"groupVersion":"custom.metrics.k8s.io/v1beta2","version":"v1beta2"}],' +
        '"preferredVersion":{"groupVersion":"custom.metrics.k8s.io/v1beta1","version":"v1beta1"}}\n',
    );
  });

  for (const version of ['v1beta1', 'v1beta2']) {
    it(`APIResourceList ${version}`, async () => {
      const r = (name: string, ns: boolean) =>
        `{"name":"${name}","singularName":"","namespaced":${ns},"kind":"MetricValueList","verbs":["get"]}`;
      assert.equal(
        await body(`${CM}/${version}`),
        `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"custom.metrics.k8s.io/${version}","resources":[` +
          `${r('pods/some-metric', true)},${r('namespaces/some-metric', false)},${r('jobs.batch/http_requests', true)}]}\n`,
      );
    });
  }

  it('external APIResourceList', async () => {
    const r = (name: string) =>
      `{"name":"${name}","singularName":"","namespaced":true,"kind":"ExternalMetricValueList","verbs":["get"]}`;
    assert.equal(
      await body(EM),
      `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"external.metrics.k8s.io/v1beta1","resources":[` +
        `${r('my-external-metric')},${r('queue_depth')}]}\n`,
    );
  });

  it('groups are installed only for the providers given', async () => {
    const bare = createApp({
      ...baseDeps(),
      custom: undefined,
      external: undefined,
    } as unknown as AppDeps);
    assert.equal(
      (await bare.handle(get('/apis'))).body.toString(),
      '{"kind":"APIGroupList","groups":[]}\n',
    );
    assert.equal((await bare.handle(get(`${CM}/v1beta1`))).status, 404);
  });

  it('/version is indented, without trailing newline', async () => {
    assert.equal(
      await body('/version'),
      '{\n  "major": "1",\n  "minor": "0",\n  "gitVersion": "v0.1.0",\n  "gitCommit": "",\n  "gitTreeState": "",\n' +
        '  "buildDate": "",\n  "goVersion": "",\n  "compiler": "",\n  "platform": ""\n}',
    );
  });

  it('/ lists the paths, sorted', async () => {
    const paths = (JSON.parse(await body('/')) as { paths: string[] }).paths;
    assert.deepEqual(paths, [...paths].sort());
    for (const p of [
      '/apis',
      '/apis/custom.metrics.k8s.io/v1beta2',
      '/healthz/ping',
      '/readyz/metric-index',
      '/version',
    ]) {
      assert.ok(paths.includes(p), p);
    }
    assert.ok(!paths.includes('/metrics'));
  });
});

// ── errors ───────────────────────────────────────────────────────────────────────────────────

describe('error Statuses', () => {
  const app = createApp(baseDeps());
  const status = (res: ApiResponse) => json(res) as Record<string, unknown>;

  it('404 inside a registered prefix', async () => {
    const res = await app.handle(get(`${CM}/v1beta1/blah`));
    assert.equal(
      res.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource",' +
        '"reason":"NotFound","details":{},"code":404}\n',
    );
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('plain 404 elsewhere', async () => {
    const res = await app.handle(get('/blah'));
    assert.equal(res.body, '404 page not found\n');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('405 for another method', async () => {
    const s = status(await app.handle(get(`${CM}/v1beta1/nodes/*/some-metric`, {}, 'DELETE')));
    assert.equal(s.reason, 'MethodNotAllowed');
    assert.equal(s.message, 'the server does not allow this method on the requested resource');
  });

  it('metric not found carries the provider message, without details (as upstream)', async () => {
    const s = status(await app.handle(get(`${CM}/v1beta1/nodes/bar/some-metric`)));
    assert.deepEqual(s, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the metric some-metric for nodes bar',
      reason: 'NotFound',
      code: 404,
    });
  });

  it('invalid path, selector errors', async () => {
    const bad = status(await app.handle(get(`${CM}/v1beta1/namespaces/ns/some-metric`)));
    assert.equal(bad.message, 'invalid request path');
    assert.equal(bad.reason, 'BadRequest');
    const field = status(
      await app.handle(
        get(`${CM}/v1beta1/nodes/foo/some-metric?fieldSelector=metadata.name%3Dbar`),
      ),
    );
    assert.equal(field.message, "fieldSelector metadata.name doesn't match requested name");
    const metric = status(
      await app.handle(get(`${CM}/v1beta1/nodes/foo/some-metric?metricLabelSelector=%3D`)),
    );
    assert.equal(metric.code, 500);
    assert.equal(metric.reason, undefined);
    assert.throws(() => parseLabelSelector('='), { message: metric.message });
  });

  it('external watch is MethodNotSupported', async () => {
    const s = status(await app.handle(get(`${EM}/namespaces/default/my-external-metric?watch=1`)));
    assert.equal(
      s.message,
      'watch is not supported on resources of kind "*.external.metrics.k8s.io"',
    );
    assert.deepEqual(s.details, { group: 'external.metrics.k8s.io', kind: '*' });
  });

  it('an unknown provider failure is a generic 500 that does not leak', async () => {
    const provider: CustomMetricsProvider = {
      ...customProvider(),
      getByName: () => Promise.reject(new Error('secret prometheus detail')),
    };
    const res = await createApp(baseDeps({ custom: provider })).handle(
      get(`${CM}/v1beta1/nodes/foo/some-metric`),
    );
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.body.toString(), /secret/);
    assert.equal(status(res).message, 'Internal error occurred: unexpected server error');
  });
});

// ── authentication outcome and authorization ────────────────────────────────────────────────

describe('authorization', () => {
  const deny = (reason = '') =>
    createApp(baseDeps({ authorize: () => Promise.resolve({ allowed: false, reason }) }));
  const user = { name: 'jane', groups: ['system:authenticated'] };
  const message = async (path: string, reason = '') =>
    (json(await deny(reason).handle({ ...get(path), identity: user })) as { message: string })
      .message;

  it('403 wording for namespaced, cluster-scoped and non-resource requests', async () => {
    assert.equal(
      await message(`${CM}/v1beta1/namespaces/ns/pods/*/m`),
      'pods.custom.metrics.k8s.io "*" is forbidden: User "jane" cannot get resource "pods/m" in API group "custom.metrics.k8s.io" in the namespace "ns"',
    );
    assert.equal(
      await message(`${CM}/v1beta1/nodes/n1/m`, 'no RBAC policy matched'),
      'nodes.custom.metrics.k8s.io "n1" is forbidden: User "jane" cannot get resource "nodes/m" in API group "custom.metrics.k8s.io" at the cluster scope: no RBAC policy matched',
    );
    assert.equal(
      await message(`${EM}/namespaces/ns/queue`),
      'queue.external.metrics.k8s.io is forbidden: User "jane" cannot list resource "queue" in API group "external.metrics.k8s.io" in the namespace "ns"',
    );
    assert.equal(await message('/metrics'), 'forbidden: User "jane" cannot get path "/metrics"');
  });

  it('403 details and the attributes the authorizer saw', async () => {
    const seen: unknown[] = [];
    const app = createApp(
      baseDeps({
        authorize: (attrs, identity) => {
          seen.push([attrs, identity]);
          return Promise.resolve({ allowed: false });
        },
      }),
    );
    const res = await app.handle({
      ...get(`${CM}/v1beta1/namespaces/ns/metrics/m`),
      identity: user,
    });
    assert.equal(res.status, 403);
    assert.deepEqual((json(res) as { details: unknown }).details, {
      name: 'm',
      group: 'custom.metrics.k8s.io',
      kind: 'metrics',
    });
    assert.deepEqual(seen[0], [
      {
        isResourceRequest: true,
        path: `${CM}/v1beta1/namespaces/ns/metrics/m`,
        verb: 'get',
        apiGroup: 'custom.metrics.k8s.io',
        apiVersion: 'v1beta1',
        namespace: 'ns',
        resource: 'metrics',
        subresource: '',
        name: 'm',
      },
      user,
    ]);
  });

  it('allowed requests are served; rejected identities get 401 first', async () => {
    const allow = createApp(baseDeps({ authorize: () => Promise.resolve({ allowed: true }) }));
    assert.equal((await allow.handle(get('/healthz'))).status, 200);
    const res = await allow.handle({ ...get('/healthz'), identity: { rejected: true } });
    assert.equal(res.status, 401);
    assert.equal(
      res.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n',
    );
  });

  it('an authorizer failure is a 500', async () => {
    const app = createApp(baseDeps({ authorize: () => Promise.reject(new Error('SAR down')) }));
    assert.equal((await app.handle(get('/apis'))).status, 500);
  });
});

// ── health ───────────────────────────────────────────────────────────────────────────────────

describe('health endpoints', () => {
  const failing = createApp(
    baseDeps({
      health: {
        readyChecks: () => ({ 'metric-index': 'no successful relist yet' }),
        liveChecks: () => ({ 'relist-timely': undefined }),
      },
    }),
  );
  const text = async (path: string) => {
    const res = await failing.handle(get(path));
    return [res.status, res.body.toString()] as const;
  };

  it('healthy endpoints answer ok, verbose lists checks', async () => {
    assert.deepEqual(await text('/livez'), [200, 'ok']);
    assert.deepEqual(await text('/healthz?verbose'), [
      200,
      '[+]ping ok\n[+]log ok\n[+]relist-timely ok\nhealthz check passed\n',
    ]);
  });

  it('failures withhold the reason, except with ?verbose', async () => {
    assert.deepEqual(await text('/readyz'), [
      500,
      '[+]ping ok\n[+]log ok\n[+]relist-timely ok\n[-]metric-index failed: reason withheld\nreadyz check failed\n',
    ]);
    assert.deepEqual(await text('/readyz?verbose'), [
      500,
      '[+]ping ok\n[+]log ok\n[+]relist-timely ok\n[-]metric-index failed: no successful relist yet\nreadyz check failed\n',
    ]);
  });

  it('exclude skips a check and warns about unknown names', async () => {
    assert.deepEqual(await text('/readyz?exclude=metric-index&exclude=nope&verbose'), [
      200,
      '[+]ping ok\n[+]log ok\n[+]relist-timely ok\n[+]metric-index excluded: ok\n' +
        'warn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
    ]);
  });

  it('single checks', async () => {
    assert.deepEqual(await text('/healthz/ping'), [200, 'ok']);
    assert.deepEqual(await text('/readyz/metric-index'), [
      500,
      'internal server error: no successful relist yet\n',
    ]);
    assert.deepEqual(await text('/livez/metric-index'), [404, '404 page not found\n']);
  });
});

// ── negotiation, formatting and headers ─────────────────────────────────────────────────────

describe('negotiation and headers', () => {
  const app = createApp(baseDeps());
  const path = `${CM}/v1beta1/nodes/foo/some-metric`;

  it('the HPA Accept gets JSON', async () => {
    const res = await app.handle(get(path, { accept: 'application/vnd.kubernetes.protobuf, */*' }));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
  });

  it('406 when nothing acceptable', async () => {
    const res = await app.handle(get(path, { accept: 'application/yaml' }));
    assert.equal(res.status, 406);
    assert.equal((json(res) as { reason: string }).reason, 'NotAcceptable');
  });

  const prettyCases: [string, ApiRequest['headers'], string, boolean][] = [
    ['compact by default', {}, '', false],
    ['?pretty=true', {}, '?pretty=true', true],
    ['?pretty=1', {}, '?pretty=1', true],
    ['curl', { 'user-agent': 'curl/8.5.0' }, '', true],
    ['curl with pretty=false', { 'user-agent': 'curl/8.5.0' }, '?pretty=false', false],
    ['browser', { 'user-agent': 'Mozilla/5.0 (X11)' }, '', true],
    ['kubectl', { 'user-agent': 'kubectl/v1.30.0' }, '', false],
  ];
  for (const [name, headers, query, pretty] of prettyCases) {
    it(`pretty: ${name}`, async () => {
      const body = (await app.handle(get(`${path}${query}`, headers))).body.toString();
      assert.equal(body.startsWith('{\n  "kind"'), pretty);
      assert.equal(body.endsWith('\n'), !pretty);
    });
  }

  it('Audit-Id is echoed or generated; Cache-Control is set', async () => {
    const echoed = await app.handle(get(path, { 'audit-id': 'abc' }));
    assert.equal(echoed.headers['audit-id'], 'abc');
    const fresh = await app.handle(get('/blah'));
    assert.equal(fresh.headers['audit-id'], 'audit-1');
    assert.equal(fresh.headers['cache-control'], 'no-cache, private');
    const generated = await createApp({
      ...baseDeps(),
      newAuditId: undefined,
    } as unknown as AppDeps).handle(get('/'));
    assert.match(generated.headers['audit-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('HTML-unsafe characters are escaped as Go does', async () => {
    const provider: ExternalMetricsProvider = {
      listMetrics: () => [],
      get: () =>
        Promise.resolve([
          { metricName: 'm', metricLabels: { q: '<a&b>' }, timestamp: T0, value: '1' },
        ]),
    };
    const res = await createApp(baseDeps({ external: provider })).handle(
      get(`${EM}/namespaces/d/m`),
    );
    assert.match(res.body.toString(), /"q":"\\u003ca\\u0026b\\u003e"/);
  });
});

// ── /metrics, openapi, request records ──────────────────────────────────────────────────────

describe('metrics, openapi and records', () => {
  it('/metrics serves the text it is given', async () => {
    const app = createApp(
      baseDeps({
        metricsText: () =>
          Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
      }),
    );
    const res = await app.handle(get('/metrics'));
    assert.equal(res.body, 'up 1\n');
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4');
    assert.equal((await createApp(baseDeps()).handle(get('/metrics'))).status, 404);
  });

  it('openapi v2 and the v3 index, with ETag and 304', async () => {
    const app = createApp(baseDeps());
    const v2 = await app.handle(get('/openapi/v2'));
    const doc = json(v2) as {
      swagger: string;
      info: unknown;
      definitions: Record<string, unknown>;
      paths: object;
    };
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.info, { title: 'prometheus-metrics-adapter', version: '1.0.0' });
    for (const d of [
      'io.k8s.metrics.pkg.apis.custom_metrics.v1beta1.MetricValueList',
      'io.k8s.metrics.pkg.apis.custom_metrics.v1beta2.MetricIdentifier',
      'io.k8s.metrics.pkg.apis.external_metrics.v1beta1.ExternalMetricValue',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      'io.k8s.api.core.v1.ObjectReference',
      'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    ]) {
      assert.ok(d in doc.definitions, d);
    }
    assert.ok(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/{namespace}/metrics/{metric}' in doc.paths,
    );
    const etag = v2.headers.etag ?? '';
    assert.equal((await app.handle(get('/openapi/v2', { 'if-none-match': etag }))).status, 304);

    const index = json(await app.handle(get('/openapi/v3'))) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    assert.deepEqual(Object.keys(index.paths), [
      'apis/custom.metrics.k8s.io/v1beta1',
      'apis/custom.metrics.k8s.io/v1beta2',
      'apis/external.metrics.k8s.io/v1beta1',
    ]);
    const url = index.paths['apis/external.metrics.k8s.io/v1beta1']?.serverRelativeURL ?? '';
    const v3 = await app.handle(get(url));
    const v3doc = json(v3) as { openapi: string; components: { schemas: Record<string, unknown> } };
    assert.equal(v3doc.openapi, '3.0.0');
    assert.ok(
      !('io.k8s.metrics.pkg.apis.custom_metrics.v1beta1.MetricValue' in v3doc.components.schemas),
    );
    assert.equal(v3.headers['cache-control'], 'public, immutable, max-age=31536000');
    const stale = await app.handle(
      get('/openapi/v3/apis/external.metrics.k8s.io/v1beta1?hash=OLD'),
    );
    assert.equal(stale.status, 301);
    assert.equal(stale.headers.location, url);
  });

  it('onRequest sees method, attributes, code and duration', async () => {
    const records: RequestRecord[] = [];
    let t = T0 * 1000;
    const app = createApp(
      baseDeps({ onRequest: (r) => records.push(r), now: () => new Date((t += 250)) }),
    );
    await app.handle(get(`${EM}/namespaces/default/my-external-metric`));
    assert.equal(records.length, 1);
    assert.equal(records[0]?.code, 200);
    assert.equal(records[0]?.seconds, 0.25);
    assert.equal(records[0]?.attributes?.verb, 'list');
    assert.equal(records[0]?.attributes?.resource, 'my-external-metric');
  });

  it('operator routes answer their exact path after authorization, as non-resource requests', async () => {
    const seen: string[] = [];
    const app = createApp(
      baseDeps({
        authorize: async (attrs) => {
          seen.push(`${attrs.verb} ${attrs.path} ${String(attrs.isResourceRequest)}`);
          return Promise.resolve({ allowed: attrs.path !== '/status' || seen.length > 1 });
        },
        operatorRoutes: {
          '/status': async (req) =>
            Promise.resolve({
              status: 200,
              contentType: 'text/plain',
              body: `ok ${req.query.get('x') ?? ''}`,
            }),
        },
      }),
    );
    assert.equal((await app.handle(get('/status'))).status, 403);
    const ok = await app.handle(get('/status?x=1'));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), 'ok 1');
    assert.equal(ok.headers['content-type'], 'text/plain');
    assert.equal((await app.handle(get('/status/more'))).status, 404);
    assert.equal((await app.handle(get('/toString'))).status, 404);
    assert.deepEqual(seen.slice(0, 2), ['get /status false', 'get /status false']);
  });
});
