import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRequestInfo,
  RequestInfoError,
  toAttributes,
  type RequestInfo,
} from './request-info.ts';

const CM = '/apis/custom.metrics.k8s.io';
const EM = '/apis/external.metrics.k8s.io/v1beta1';

type Want = Partial<RequestInfo>;

const parse = (method: string, target: string): RequestInfo => {
  const [path = '', query = ''] = target.split('?');
  return parseRequestInfo(method, path, new URLSearchParams(query));
};

const resource = (w: Want): Want => ({ isResourceRequest: true, subresource: '', name: '', ...w });
const nonResource = (path: string, verb = 'get'): Want => ({
  isResourceRequest: false,
  path,
  verb,
  apiGroup: '',
  apiVersion: '',
  resource: '',
  name: '',
});

const cases: [method: string, target: string, want: Want][] = [
  // custom metrics route forms (upstream-behaviour: authz)
  [
    'GET',
    `${CM}/v1beta2/namespaces/ns/pods/*/m`,
    resource({
      verb: 'get',
      apiGroup: 'custom.metrics.k8s.io',
      apiVersion: 'v1beta2',
      namespace: 'ns',
      resource: 'pods',
      subresource: 'm',
      name: '*',
      parts: ['pods', '*', 'm'],
    }),
  ],
  [
    'GET',
    `${CM}/v1beta1/nodes/n1/m`,
    resource({
      verb: 'get',
      apiVersion: 'v1beta1',
      namespace: '',
      resource: 'nodes',
      subresource: 'm',
      name: 'n1',
    }),
  ],
  [
    'GET',
    `${CM}/v1beta1/namespaces/ns/metrics/m`,
    resource({
      verb: 'get',
      namespace: 'ns',
      resource: 'metrics',
      name: 'm',
      parts: ['metrics', 'm'],
    }),
  ],
  [
    'GET',
    `${CM}/v1beta1/namespaces/*/metrics/m`,
    resource({ namespace: '*', resource: 'metrics', name: 'm' }),
  ],
  [
    'GET',
    `${CM}/v1beta1/deployments.apps/web/m`,
    resource({ resource: 'deployments.apps', name: 'web', subresource: 'm' }),
  ],
  [
    'GET',
    `${CM}/v1beta1/namespaces/ns/m`,
    resource({ verb: 'list', namespace: 'ns', resource: 'm', parts: ['m'] }),
  ],
  ['GET', `${CM}/v1beta1/nodes/foo`, resource({ verb: 'get', resource: 'nodes', name: 'foo' })],
  // namespace subresources stay on the namespace object
  [
    'GET',
    `${CM}/v1beta1/namespaces/ns/status`,
    resource({
      verb: 'get',
      namespace: 'ns',
      resource: 'namespaces',
      name: 'ns',
      subresource: 'status',
    }),
  ],
  // external metrics: no name, so the verb is list (or watch)
  [
    'GET',
    `${EM}/namespaces/ns/m`,
    resource({ verb: 'list', apiGroup: 'external.metrics.k8s.io', namespace: 'ns', resource: 'm' }),
  ],
  ['GET', `${EM}/namespaces/ns/m?watch=true`, resource({ verb: 'watch', resource: 'm' })],
  ['GET', `${EM}/namespaces/ns/m?watch=1`, resource({ verb: 'watch' })],
  ['GET', `${EM}/namespaces/ns/m?watch=false`, resource({ verb: 'list' })],
  ['GET', `${EM}/namespaces/ns/m?watch=0`, resource({ verb: 'list' })],
  // a list's field-selected name becomes the name; invalid list options keep only the verb
  [
    'GET',
    `${EM}/namespaces/ns/m?fieldSelector=metadata.name%3Dx`,
    resource({ verb: 'list', name: 'x' }),
  ],
  [
    'GET',
    `${EM}/namespaces/ns/m?fieldSelector=metadata.name!%3Dx`,
    resource({ verb: 'list', name: '' }),
  ],
  [
    'GET',
    `${EM}/namespaces/ns/m?fieldSelector=metadata.name%3D..`,
    resource({ verb: 'list', name: '' }),
  ],
  [
    'GET',
    `${EM}/namespaces/ns/m?fieldSelector=metadata.name%3Dx&labelSelector=%3D`,
    resource({ verb: 'list', name: '' }),
  ],
  [
    'GET',
    `${EM}/namespaces/ns/m?watch=true&labelSelector=%3D`,
    resource({ verb: 'watch', name: '' }),
  ],
  // metrics.k8s.io shapes
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods',
    resource({ verb: 'list', namespace: 'ns', resource: 'pods' }),
  ],
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/nodes/n1',
    resource({ verb: 'get', namespace: '', resource: 'nodes', name: 'n1' }),
  ],
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/pods',
    resource({ verb: 'list', namespace: '', resource: 'pods' }),
  ],
  // watch as a path prefix, HTTP methods to verbs
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/watch/nodes',
    resource({ verb: 'watch', resource: 'nodes' }),
  ],
  ['POST', `${CM}/v1beta1/nodes/n1/m`, resource({ verb: 'create', subresource: 'm', name: 'n1' })],
  ['HEAD', `${CM}/v1beta1/nodes/n1/m`, resource({ verb: 'get', subresource: 'm', name: 'n1' })],
  ['DELETE', '/apis/metrics.k8s.io/v1beta1/nodes', resource({ verb: 'deletecollection' })],
  ['OPTIONS', `${CM}/v1beta1/nodes/n1/m`, resource({ verb: '', subresource: 'm', name: 'n1' })],
  // the core group
  [
    'GET',
    '/api/v1/namespaces/ns/pods/p',
    resource({ apiGroup: '', apiVersion: 'v1', namespace: 'ns', resource: 'pods', name: 'p' }),
  ],
  // non-resource paths: fewer than group/version/resource, or no API prefix
  ['GET', `${CM}/v1beta1`, nonResource(`${CM}/v1beta1`)],
  ['GET', `${CM}/v1beta1/`, nonResource(`${CM}/v1beta1/`)],
  ['GET', CM, nonResource(CM)],
  ['GET', '/apis', nonResource('/apis')],
  ['GET', '/', nonResource('/')],
  ['GET', '/healthz', nonResource('/healthz')],
  ['GET', '/healthz/ping', nonResource('/healthz/ping')],
  ['GET', '/metrics', nonResource('/metrics')],
  ['POST', '/metrics', nonResource('/metrics', 'post')],
  [
    'GET',
    '/openapi/v3/apis/custom.metrics.k8s.io/v1beta1',
    nonResource('/openapi/v3/apis/custom.metrics.k8s.io/v1beta1'),
  ],
];

describe('parseRequestInfo', () => {
  for (const [method, target, want] of cases) {
    it(`${method} ${target}`, () => {
      const info = parse(method, target);
      for (const [k, v] of Object.entries(want)) {
        assert.deepEqual(info[k as keyof RequestInfo], v, k);
      }
    });
  }

  it('a special verb without a resource is an error', () => {
    assert.throws(() => parse('GET', `${CM}/v1beta1/watch`), RequestInfoError);
  });

  it('attributes drop the parts', () => {
    const attrs = toAttributes(parse('GET', `${CM}/v1beta1/nodes/n1/m`));
    assert.equal('parts' in attrs, false);
    assert.equal(attrs.name, 'n1');
  });
});
