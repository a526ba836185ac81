import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, silentLogger } from '../log.ts';
import { parseRequestInfo, toAttributes } from '../api/request-info.ts';
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../kubernetes/reviews.ts';
import { AlwaysAllowPathError, compileAlwaysAllowPaths } from './always-allow-paths.ts';
import {
  createAuthorizer,
  subjectAccessReviewSpec,
  type AuthorizationAttributes,
} from './authorize.ts';
import type { UserInfo } from './identity.ts';

const HPA: UserInfo = {
  name: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
  uid: 'uid-1',
  groups: ['system:serviceaccounts', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/pod-name': ['hpa-0'] },
};
const ANON: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} };

describe('subjectAccessReviewSpec for every route form (upstream-behaviour: authz)', () => {
  const user = { user: HPA.name, uid: 'uid-1', groups: HPA.groups, extra: HPA.extra };
  const cases: readonly { path: string; want: SubjectAccessReviewSpec }[] = [
    {
      path: '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/*/m',
      want: {
        ...user,
        resourceAttributes: {
          namespace: 'ns',
          verb: 'get',
          group: 'custom.metrics.k8s.io',
          version: 'v1beta2',
          resource: 'pods',
          subresource: 'm',
          name: '*',
        },
      },
    },
    {
      path: '/apis/custom.metrics.k8s.io/v1beta1/nodes/n1/m',
      want: {
        ...user,
        resourceAttributes: {
          verb: 'get',
          group: 'custom.metrics.k8s.io',
          version: 'v1beta1',
          resource: 'nodes',
          subresource: 'm',
          name: 'n1',
        },
      },
    },
    {
      path: '/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/metrics/m',
      want: {
        ...user,
        resourceAttributes: {
          namespace: 'ns',
          verb: 'get',
          group: 'custom.metrics.k8s.io',
          version: 'v1beta1',
          resource: 'metrics',
          name: 'm',
        },
      },
    },
    {
      path: '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/queue_length',
      want: {
        ...user,
        resourceAttributes: {
          namespace: 'ns',
          verb: 'list',
          group: 'external.metrics.k8s.io',
          version: 'v1beta1',
          resource: 'queue_length',
        },
      },
    },
    {
      path: '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods',
      want: {
        ...user,
        resourceAttributes: {
          namespace: 'ns',
          verb: 'list',
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          resource: 'pods',
        },
      },
    },
    {
      path: '/apis/metrics.k8s.io/v1beta1/nodes/n1',
      want: {
        ...user,
        resourceAttributes: {
          verb: 'get',
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          resource: 'nodes',
          name: 'n1',
        },
      },
    },
    {
      path: '/apis/custom.metrics.k8s.io/v1beta1',
      want: {
        ...user,
        nonResourceAttributes: { path: '/apis/custom.metrics.k8s.io/v1beta1', verb: 'get' },
      },
    },
    {
      path: '/metrics',
      want: { ...user, nonResourceAttributes: { path: '/metrics', verb: 'get' } },
    },
  ];
  for (const c of cases) {
    it(c.path, () => {
      const attrs = toAttributes(parseRequestInfo('GET', c.path, new URLSearchParams()));
      assert.deepEqual(subjectAccessReviewSpec(HPA, attrs), c.want);
      assert.deepEqual(JSON.parse(JSON.stringify(subjectAccessReviewSpec(HPA, attrs))), c.want);
    });
  }

  it('omits empty user fields (anonymous has no uid or extra)', () => {
    const attrs = toAttributes(parseRequestInfo('GET', '/openapi/v2', new URLSearchParams()));
    assert.deepEqual(subjectAccessReviewSpec(ANON, attrs), {
      user: 'system:anonymous',
      groups: ['system:unauthenticated'],
      nonResourceAttributes: { path: '/openapi/v2', verb: 'get' },
    });
  });
});

describe('compileAlwaysAllowPaths', () => {
  const cases: readonly { paths: string[]; allowed: string[]; denied: string[] }[] = [
    {
      paths: ['/healthz', '/readyz', '/livez'],
      allowed: ['/healthz', '/readyz', '/livez'],
      denied: ['/healthz/ping', '/readyz/informer-sync', '/livez/x', '/metrics', '/'],
    },
    { paths: ['/healthz/*'], allowed: ['/healthz/', '/healthz/ping'], denied: ['/healthz'] },
    { paths: ['/*'], allowed: ['/', '/anything/at/all'], denied: [] },
    { paths: ['/'], allowed: ['/'], denied: ['/x'] },
    { paths: ['healthz'], allowed: ['/healthz'], denied: [] },
  ];
  for (const c of cases) {
    it(c.paths.join(','), () => {
      const allowed = compileAlwaysAllowPaths(c.paths);
      for (const p of c.allowed) assert.equal(allowed(p), true, p);
      for (const p of c.denied) assert.equal(allowed(p), false, p);
    });
  }
  it('rejects a * that is not trailing', () => {
    assert.throws(() => compileAlwaysAllowPaths(['/a*/b']), AlwaysAllowPathError);
  });
});

const resource = (overrides: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({
  isResourceRequest: true,
  path: '/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/pods/*/m',
  verb: 'get',
  apiGroup: 'custom.metrics.k8s.io',
  apiVersion: 'v1beta1',
  namespace: 'ns',
  resource: 'pods',
  subresource: 'm',
  name: '*',
  ...overrides,
});
/** A GET of a non-resource path, as the app hands it to the authorizer. */
const nonResource = (path: string): AuthorizationAttributes =>
  toAttributes(parseRequestInfo('GET', path, new URLSearchParams()));

const setup = (answer: (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus>) => {
  const state = { clock: 0, calls: [] as SubjectAccessReviewSpec[], logs: [] as string[] };
  const authorize = createAuthorizer({
    review: (spec) => {
      state.calls.push(spec);
      return answer(spec);
    },
    allowedTtlMs: 5_000,
    deniedTtlMs: 2_000,
    now: () => state.clock,
    log: createLogger({ verbosity: 0, write: (line) => state.logs.push(line) }),
  });
  return { state, authorize };
};
const status = (allowed: boolean, reason = '', denied = false): SubjectAccessReviewStatus => ({
  allowed,
  denied,
  reason,
  evaluationError: '',
});

describe('createAuthorizer', () => {
  it('allows system:masters and the always-allow paths without a review', async () => {
    const { state, authorize } = setup(() => Promise.resolve(status(false)));
    const admin = { ...ANON, name: 'admin', groups: ['system:masters'] };
    assert.deepEqual(await authorize(admin, resource()), { kind: 'allowed' });
    assert.deepEqual(await authorize(ANON, nonResource('/healthz')), { kind: 'allowed' });
    assert.equal(state.calls.length, 0);
    assert.deepEqual(await authorize(ANON, nonResource('/healthz/ping')), {
      kind: 'denied',
      reason: '',
    });
    assert.deepEqual(await authorize(ANON, resource({ path: '/healthz' })), {
      kind: 'denied',
      reason: '',
    });
    assert.equal(state.calls.length, 2);
  });

  it('maps the review: allowed, denied with reason, no opinion, both (error)', async () => {
    const answers = [
      status(true),
      status(false, 'RBAC: no'),
      status(false, '', true),
      status(true, 'x', true),
    ];
    const { authorize } = setup(() => Promise.resolve(answers.shift() ?? status(false)));
    assert.deepEqual(await authorize(HPA, resource({ name: 'a' })), { kind: 'allowed' });
    assert.deepEqual(await authorize(HPA, resource({ name: 'b' })), {
      kind: 'denied',
      reason: 'RBAC: no',
    });
    assert.deepEqual(await authorize(HPA, resource({ name: 'c' })), { kind: 'denied', reason: '' });
    const both = await authorize(HPA, resource({ name: 'd' }));
    assert.equal(both.kind, 'error');
  });

  it('caches allow and deny with their own TTLs', async () => {
    let allow = true;
    const { state, authorize } = setup(() => Promise.resolve(status(allow)));
    assert.equal((await authorize(HPA, resource())).kind, 'allowed');
    allow = false;
    state.clock = 4_999;
    assert.equal((await authorize(HPA, resource())).kind, 'allowed');
    state.clock = 5_000;
    assert.equal((await authorize(HPA, resource())).kind, 'denied');
    allow = true;
    state.clock = 6_999;
    assert.equal((await authorize(HPA, resource())).kind, 'denied');
    state.clock = 7_000;
    assert.equal((await authorize(HPA, resource())).kind, 'allowed');
    assert.equal(state.calls.length, 3);
  });

  it('keys the cache on the whole spec (user and attributes)', async () => {
    const { state, authorize } = setup(() => Promise.resolve(status(true)));
    await authorize(HPA, resource());
    await authorize(ANON, resource());
    await authorize(HPA, resource({ namespace: 'other' }));
    await authorize(HPA, resource());
    assert.equal(state.calls.length, 3);
  });

  it('tells apart fields that only differ in where one ends, and users by every field', async () => {
    const { state, authorize } = setup(() => Promise.resolve(status(true)));
    await authorize(HPA, resource({ namespace: 'a', resource: 'bc' }));
    await authorize(HPA, resource({ namespace: 'ab', resource: 'c' }));
    await authorize({ ...HPA, groups: [...HPA.groups, 'x'] }, resource());
    await authorize({ ...HPA, extra: { k: ['v'] } }, resource());
    await authorize(HPA, resource());
    assert.equal(state.calls.length, 5);
    await authorize({ ...HPA }, resource({ namespace: 'ab', resource: 'c' }));
    await authorize({ ...HPA, groups: [...HPA.groups, 'x'] }, resource());
    assert.equal(state.calls.length, 5);
  });

  it('a failed review is an error (500), logged and not cached', async () => {
    let fail = true;
    const { state, authorize } = setup(() =>
      fail ? Promise.reject(new Error('timeout')) : Promise.resolve(status(true)),
    );
    const first = await authorize(HPA, resource());
    assert.equal(first.kind, 'error');
    assert.match(state.logs.join(''), /Failed to make webhook authorizer request/);
    fail = false;
    assert.equal((await authorize(HPA, resource())).kind, 'allowed');
  });

  it('shares one review between concurrent identical requests', async () => {
    const { state, authorize } = createAuthorizerWithGate();
    const all = Promise.all([authorize(HPA, resource()), authorize(HPA, resource())]);
    state.release();
    assert.deepEqual(await all, [{ kind: 'allowed' }, { kind: 'allowed' }]);
    assert.equal(state.calls, 1);
  });
});

const createAuthorizerWithGate = () => {
  const state = {
    calls: 0,
    release: (): void => {
      /* replaced once a review is pending */
    },
  };
  const authorize = createAuthorizer({
    review: () => {
      state.calls += 1;
      return new Promise((resolve) => {
        state.release = () => {
          resolve(status(true));
        };
      });
    },
    log: silentLogger(),
  });
  return { state, authorize };
};
