/**
 * `Impersonate-*` headers sent straight to the adapter, against the running server (serve/ +
 * api/app.ts) with the real authenticator, authorizer and impersonation hook; TokenReviews and
 * SubjectAccessReviews go to a fake kube-apiserver over HTTPS (no real one can run in a unit
 * test). As k8s.io/apiserver's WithImpersonation: each impersonated thing needs an allowed
 * `impersonate` review for the caller, then the request is authorized as the impersonated user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { createApp } from '../api/app.ts';
import type { CustomMetricsProvider, CustomMetricValue } from '../api/provider.ts';
import { silentLogger } from '../log.ts';
import { issue, issueCa } from '../../test/support/pki.ts';
import {
  startReviewStack,
  type ReviewSpec,
  type ReviewStack,
} from '../../test/support/review-stack.ts';
import { impersonateWith } from './impersonation.ts';
import { authorizeWith } from './serving-hooks.ts';

type Body = Record<string, unknown>;
interface Review {
  readonly user?: string;
  readonly uid?: string;
  readonly groups?: string[];
  readonly extra?: Record<string, string[]>;
  readonly resourceAttributes?: Record<string, string>;
}

/** What bob may impersonate; who may read metrics. */
const MAY_IMPERSONATE: ReadonlySet<string> = new Set([
  'users/carol',
  'users/dave',
  'groups/viewers',
  'userextras/scopes/read',
  'uids/u-1',
  'serviceaccounts/ns/sa',
]);
const MAY_READ = new Set(['bob', 'carol', 'system:serviceaccount:ns:sa']);

const allowed = (r: Review): boolean => {
  const a = r.resourceAttributes ?? {};
  if (a['verb'] !== 'impersonate') return MAY_READ.has(r.user ?? '');
  const key = [a['resource'], a['subresource'], a['namespace'], a['name']]
    .filter(Boolean)
    .join('/');
  return r.user === 'bob' && MAY_IMPERSONATE.has(key);
};

/** The fake kube-apiserver's answers, recording the SubjectAccessReviews. */
const reviewsAnswered = () => {
  const reviews: Review[] = [];
  const reply = (spec: ReviewSpec, path: string): unknown => {
    if (path.endsWith('/tokenreviews')) {
      const ok = spec['token'] === 'bob-token';
      return {
        status: ok ? { authenticated: true, user: { username: 'bob', groups: ['devs'] } } : {},
      };
    }
    const review = spec as Review;
    reviews.push(review);
    const reason = allowed(review) ? {} : { reason: 'no RBAC policy matched' };
    return { status: { allowed: allowed(review), ...reason } };
  };
  return { reviews, reply };
};

const VALUE: CustomMetricValue = {
  describedObject: { kind: 'Pod', namespace: 'ns', name: 'web-0', apiVersion: 'v1' },
  metricName: 'requests',
  timestamp: 1_700_000_000,
  value: '4242m',
};
const provider: CustomMetricsProvider = {
  listMetrics: () => [{ groupResource: 'pods', metric: 'requests', namespaced: true }],
  getByName: () => Promise.resolve(VALUE),
  getBySelector: () => Promise.resolve([VALUE]),
};

const getJson = (
  port: number,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; body: Body }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers, rejectUnauthorized: false, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('Impersonate-* headers sent directly (k8s.io/apiserver WithImpersonation)', () => {
  const api = reviewsAnswered();
  let stack: ReviewStack;
  let caseNo = 0;
  /** A distinct pod per request, so no answer comes from the review caches. */
  const path = () =>
    `/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/pods/web-${++caseNo}/requests`;
  const bob = { authorization: 'Bearer bob-token' };
  /** The review for the metric request itself (the last non-impersonate one). */
  const metricReview = () =>
    api.reviews.filter((r) => r.resourceAttributes?.['verb'] === 'get').at(-1);
  const get = (p: string, headers: Record<string, string | string[]>) =>
    getJson(stack.server.port, p, headers);

  before(async () => {
    const ca = await issueCa('api-ca');
    const serving = await issue({ cn: 'kube-apiserver', issuer: ca, ips: ['127.0.0.1'] });
    stack = await startReviewStack({
      serving,
      ca,
      reply: api.reply,
      app: (authorize) =>
        createApp({
          custom: provider,
          health: { readyChecks: () => ({}), liveChecks: () => ({}) },
          authorize: authorizeWith(authorize),
          impersonate: impersonateWith(authorize),
          now: () => new Date(),
          version: { gitVersion: 'v0.0.0-test' },
          logger: silentLogger(),
        }),
    });
  });

  after(() => stack.close());

  it('without the headers the caller is itself', async () => {
    const res = await get(path(), bob);
    assert.equal(res.status, 200);
    assert.equal(metricReview()?.user, 'bob');
  });

  it('an allowed Impersonate-User: the request is authorized as that user', async () => {
    const res = await get(path(), { ...bob, 'Impersonate-User': 'carol' });
    assert.equal(res.status, 200);
    const impersonation = api.reviews.find((r) => r.resourceAttributes?.['name'] === 'carol');
    assert.deepEqual(impersonation, {
      user: 'bob',
      groups: ['devs', 'system:authenticated'],
      resourceAttributes: { verb: 'impersonate', resource: 'users', name: 'carol' },
    });
    assert.deepEqual(
      { user: metricReview()?.user, groups: metricReview()?.groups },
      { user: 'carol', groups: ['system:authenticated'] },
    );
  });

  it('a user the caller may not impersonate: 403 naming the impersonation, as upstream words it', async () => {
    const res = await get(path(), { ...bob, 'Impersonate-User': 'mallory' });
    assert.equal(res.status, 403);
    assert.equal(
      res.body['message'],
      'users "mallory" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope: no RBAC policy matched',
    );
    assert.deepEqual(res.body['details'], { name: 'mallory', kind: 'users' });
  });

  it('every group, extra value and the UID must be allowed too; the first refusal answers', async () => {
    const denied = await get(path(), {
      ...bob,
      'Impersonate-User': 'carol',
      'Impersonate-Group': ['viewers', 'admins'],
    });
    assert.equal(denied.status, 403);
    assert.match(
      String(denied.body['message']),
      /^groups "admins" is forbidden: User "bob" cannot impersonate resource "groups"/,
    );
    const extra = await get(path(), {
      ...bob,
      'Impersonate-User': 'carol',
      'Impersonate-Extra-Scopes': 'write',
    });
    assert.equal(extra.status, 403);
    assert.equal(
      extra.body['message'],
      'userextras.authentication.k8s.io "write" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope: no RBAC policy matched',
    );
    const ok = await get(path(), {
      ...bob,
      'Impersonate-User': 'carol',
      'Impersonate-Group': 'viewers',
      'Impersonate-Extra-Scopes': 'read',
      'Impersonate-Uid': 'u-1',
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(metricReview(), {
      user: 'carol',
      uid: 'u-1',
      groups: ['viewers', 'system:authenticated'],
      extra: { scopes: ['read'] },
      resourceAttributes: {
        namespace: 'ns',
        verb: 'get',
        group: 'custom.metrics.k8s.io',
        version: 'v1beta1',
        resource: 'pods',
        subresource: 'requests',
        name: `web-${caseNo}`,
      },
    });
  });

  it('a service account: reviewed as serviceaccounts in its namespace, with its groups', async () => {
    const res = await get(path(), {
      ...bob,
      'Impersonate-User': 'system:serviceaccount:ns:sa',
    });
    assert.equal(res.status, 200);
    assert.ok(
      api.reviews.some(
        (r) =>
          r.resourceAttributes?.['resource'] === 'serviceaccounts' &&
          r.resourceAttributes['namespace'] === 'ns' &&
          r.resourceAttributes['name'] === 'sa',
      ),
    );
    assert.deepEqual(metricReview()?.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:ns',
      'system:authenticated',
    ]);
  });

  it('groups, extras or a UID without a user: 400', async () => {
    for (const headers of [
      { 'Impersonate-Group': 'viewers' },
      { 'Impersonate-Extra-Scopes': 'read' },
      { 'Impersonate-Uid': 'u-1' },
    ]) {
      const res = await get(path(), { ...bob, ...headers });
      assert.equal(res.status, 400, JSON.stringify(headers));
      assert.equal(res.body['reason'], 'BadRequest');
      assert.match(String(res.body['message']), /without impersonating a user$/);
    }
  });

  it('anonymous callers cannot impersonate; the impersonated user is then authorized on its own', async () => {
    const anon = await get(path(), { 'Impersonate-User': 'carol' });
    assert.equal(anon.status, 403);
    assert.match(
      String(anon.body['message']),
      /User "system:anonymous" cannot impersonate resource "users"/,
    );
    const dave = await get(path(), { ...bob, 'Impersonate-User': 'dave' });
    assert.equal(dave.status, 403);
    assert.match(String(dave.body['message']), /User "dave" cannot get resource "pods\/requests"/);
  });
});
