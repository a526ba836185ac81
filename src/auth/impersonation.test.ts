/**
 * `Impersonate-*` headers sent straight to the adapter, against the running server (serve/ +
 * api/app.ts) with the real authenticator, authorizer and impersonation hook; TokenReviews and
 * SubjectAccessReviews go to a fake kube-apiserver over HTTPS (no real one can run in a unit
 * test). As k8s.io/apiserver's WithImpersonation: each impersonated thing needs an allowed
 * `impersonate` review for the caller, then the request is authorized as the impersonated user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../api/app.ts';
import type { CustomMetricsProvider, CustomMetricValue } from '../api/provider.ts';
import { createKubeClient, type KubeClient } from '../kubernetes/client.ts';
import { createReviewClient } from '../kubernetes/reviews.ts';
import { silentLogger } from '../log.ts';
import { startServer, type RunningServer } from '../serve/serve.ts';
import { issue, issueCa, type TestCert } from '../../test/support/pki.ts';
import { createAuthenticator } from './authenticate.ts';
import { EMPTY_AUTHN_CONFIG } from './authn-config.ts';
import { createAuthorizer } from './authorize.ts';
import { impersonateWith } from './impersonation.ts';
import { authorizeWith, identifyWith } from './serving-hooks.ts';
import { createTokenAuthenticator } from './token.ts';

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

const fakeApiserver = async (serving: TestCert) => {
  const reviews: Review[] = [];
  const reply = (spec: Body, path: string): unknown => {
    if (path.endsWith('/tokenreviews')) {
      const ok = spec['token'] === 'bob-token';
      return {
        status: ok ? { authenticated: true, user: { username: 'bob', groups: ['devs'] } } : {},
      };
    }
    const review = spec as Review;
    reviews.push(review);
    return {
      status: allowed(review)
        ? { allowed: true }
        : { allowed: false, reason: 'no RBAC policy matched' },
    };
  };
  const server: Server = createServer({ cert: serving.pem, key: serving.keyPem }, (req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { spec: Body };
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply(body.spec, req.url ?? '')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, reviews, port: (server.address() as AddressInfo).port };
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

const get = (
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
  let api: Awaited<ReturnType<typeof fakeApiserver>>;
  let kube: KubeClient;
  let server: RunningServer;
  let certDir: string;
  let caseNo = 0;
  /** A distinct pod per request, so no answer comes from the review caches. */
  const path = () =>
    `/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/pods/web-${++caseNo}/requests`;
  const bob = { authorization: 'Bearer bob-token' };
  /** The review for the metric request itself (the last non-impersonate one). */
  const metricReview = () =>
    api.reviews.filter((r) => r.resourceAttributes?.['verb'] === 'get').at(-1);

  before(async () => {
    const apiCa = await issueCa('api-ca');
    const serving = await issue({ cn: 'kube-apiserver', issuer: apiCa, ips: ['127.0.0.1'] });
    api = await fakeApiserver(serving);
    kube = createKubeClient(
      { server: new URL(`https://127.0.0.1:${api.port}`), ca: apiCa.pem },
      { qps: -1 },
    );
    const reviews = createReviewClient(kube);
    const log = silentLogger();
    const authorize = createAuthorizer({ review: reviews.subjectAccessReview, log });
    const app = createApp({
      custom: provider,
      health: { readyChecks: () => ({}), liveChecks: () => ({}) },
      authorize: authorizeWith(authorize),
      impersonate: impersonateWith(authorize),
      now: () => new Date(),
      version: { gitVersion: 'v0.0.0-test' },
      logger: log,
    });
    const authenticate = createAuthenticator({
      config: () => EMPTY_AUTHN_CONFIG,
      token: createTokenAuthenticator({ review: reviews.tokenReview, log }),
    });
    certDir = await mkdtemp(join(tmpdir(), 'impersonation-'));
    server = await startServer(app, {
      bindAddress: '127.0.0.1',
      port: 0,
      certDir,
      identify: identifyWith(authenticate),
      logger: log,
      drainTimeoutMs: 1000,
    });
  });

  after(async () => {
    await server.close();
    await kube.close();
    await new Promise((resolve) => api.server.close(resolve));
    await rm(certDir, { recursive: true, force: true });
  });

  it('without the headers the caller is itself', async () => {
    const res = await get(server.port, path(), bob);
    assert.equal(res.status, 200);
    assert.equal(metricReview()?.user, 'bob');
  });

  it('an allowed Impersonate-User: the request is authorized as that user', async () => {
    const res = await get(server.port, path(), { ...bob, 'Impersonate-User': 'carol' });
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
    const res = await get(server.port, path(), { ...bob, 'Impersonate-User': 'mallory' });
    assert.equal(res.status, 403);
    assert.equal(
      res.body['message'],
      'users "mallory" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope: no RBAC policy matched',
    );
    assert.deepEqual(res.body['details'], { name: 'mallory', kind: 'users' });
  });

  it('every group, extra value and the UID must be allowed too; the first refusal answers', async () => {
    const denied = await get(server.port, path(), {
      ...bob,
      'Impersonate-User': 'carol',
      'Impersonate-Group': ['viewers', 'admins'],
    });
    assert.equal(denied.status, 403);
    assert.match(
      String(denied.body['message']),
      /^groups "admins" is forbidden: User "bob" cannot impersonate resource "groups"/,
    );
    const extra = await get(server.port, path(), {
      ...bob,
      'Impersonate-User': 'carol',
      'Impersonate-Extra-Scopes': 'write',
    });
    assert.equal(extra.status, 403);
    assert.equal(
      extra.body['message'],
      'userextras.authentication.k8s.io "write" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope: no RBAC policy matched',
    );
    const ok = await get(server.port, path(), {
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
    const res = await get(server.port, path(), {
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
      const res = await get(server.port, path(), { ...bob, ...headers });
      assert.equal(res.status, 400, JSON.stringify(headers));
      assert.equal(res.body['reason'], 'BadRequest');
      assert.match(String(res.body['message']), /without impersonating a user$/);
    }
  });

  it('anonymous callers cannot impersonate; the impersonated user is then authorized on its own', async () => {
    const anon = await get(server.port, path(), { 'Impersonate-User': 'carol' });
    assert.equal(anon.status, 403);
    assert.match(
      String(anon.body['message']),
      /User "system:anonymous" cannot impersonate resource "users"/,
    );
    const dave = await get(server.port, path(), { ...bob, 'Impersonate-User': 'dave' });
    assert.equal(dave.status, 403);
    assert.match(String(dave.body['message']), /User "dave" cannot get resource "pods\/requests"/);
  });
});
