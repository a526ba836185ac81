/**
 * The negative matrix of issue 4 against the running server (api/serve.ts + api/app.ts) with the
 * real authenticator and authorizer, whose TokenReviews and SubjectAccessReviews go to a fake
 * kube-apiserver over HTTPS. Each refusal must carry the right code and a bare Status body.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as connectHttp2 } from 'node:http2';
import { request } from 'node:https';
import { createApp } from '../api/app.ts';
import type { CustomMetricsProvider, CustomMetricValue } from '../api/provider.ts';
import type { RunningServer } from '../serve/serve.ts';
import { silentLogger } from '../log.ts';
import { requestHeaderConfigOf, type AuthnConfig } from './authn-config.ts';
import { parseCaBundle } from './cert-chain.ts';
import { issue, issueCa, type TestCert } from '../../test/support/pki.ts';
import { authorizeWith } from './serving-hooks.ts';
import { startReviewStack, type ReviewStack } from '../../test/support/review-stack.ts';

const DAY = 86_400_000;
const SECRET_VALUE = '4242m';
const METRIC_PATH = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/pods/web-0/requests';
/** A distinct pod per case, so no case is answered from the SubjectAccessReview cache. */
const metricPath = (i: number): string => METRIC_PATH.replace('web-0', `web-${i + 1}`);

type Body = Record<string, unknown>;

/** The fake kube-apiserver's answers: TokenReview and SubjectAccessReview, recording the SARs. */
const reviewsAnswered = () => {
  const sars: Body[] = [];
  const reply = (spec: Body, path: string): unknown => {
    if (path.endsWith('/tokenreviews')) {
      const ok = spec['token'] === 'good-token';
      return {
        status: ok ? { authenticated: true, user: { username: 'bob', groups: ['devs'] } } : {},
      };
    }
    sars.push(spec);
    const allowed = spec['user'] === 'alice' || spec['user'] === 'bob';
    return {
      status: allowed ? { allowed: true } : { allowed: false, reason: 'no RBAC policy matched' },
    };
  };
  return { sars, reply };
};

const provider = (): CustomMetricsProvider => {
  const value: CustomMetricValue = {
    describedObject: { kind: 'Pod', namespace: 'ns', name: 'web-0', apiVersion: 'v1' },
    metricName: 'requests',
    timestamp: 1_700_000_000,
    value: SECRET_VALUE,
  };
  return {
    listMetrics: () => [{ groupResource: 'pods', metric: 'requests', namespaced: true }],
    getByName: () => Promise.resolve(value),
    getBySelector: () => Promise.resolve([value]),
  };
};

interface Pki {
  readonly apiServing: TestCert;
  readonly apiCa: TestCert;
  readonly config: AuthnConfig;
  readonly client: Record<
    'proxy' | 'proxyWrongCa' | 'proxyEvil' | 'proxyExpired' | 'alice',
    TestCert
  >;
}

const makePki = async (): Promise<Pki> => {
  const [apiCa, clientCa, proxyCa, otherCa] = await Promise.all(
    ['api-ca', 'client-ca', 'front-proxy-ca', 'other-ca'].map((cn) => issueCa(cn)),
  );
  if (!apiCa || !clientCa || !proxyCa || !otherCa) throw new Error('pki');
  const now = Date.now();
  const past = { notBefore: new Date(now - 9 * DAY), notAfter: new Date(now - DAY) };
  return {
    apiCa,
    apiServing: await issue({ cn: 'kube-apiserver', issuer: apiCa, ips: ['127.0.0.1'] }),
    config: {
      clientCa: parseCaBundle(clientCa.pem, 'client-ca'),
      requestHeader: requestHeaderConfigOf(parseCaBundle(proxyCa.pem, 'front-proxy-ca'), {
        allowedNames: ['front-proxy-client'],
        usernameHeaders: ['X-Remote-User'],
        groupHeaders: ['X-Remote-Group'],
        extraPrefixes: ['X-Remote-Extra-'],
      }),
    },
    client: {
      proxy: await issue({ cn: 'front-proxy-client', issuer: proxyCa }),
      proxyWrongCa: await issue({ cn: 'front-proxy-client', issuer: otherCa }),
      proxyEvil: await issue({ cn: 'evil-proxy', issuer: proxyCa }),
      proxyExpired: await issue({ cn: 'front-proxy-client', issuer: proxyCa, ...past }),
      alice: await issue({ cn: 'alice', o: ['devs'], issuer: clientCa }),
    },
  };
};

interface Reply {
  readonly status: number;
  readonly body: string;
}

const get = (
  port: number,
  path: string,
  cert: TestCert | undefined,
  headers: Record<string, string | string[]>,
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers,
        rejectUnauthorized: false,
        agent: false,
        ...(cert === undefined ? {} : { cert: cert.pem, key: cert.keyPem }),
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

const getHttp2 = (
  port: number,
  path: string,
  cert: TestCert,
  headers: Record<string, string>,
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const session = connectHttp2(`https://127.0.0.1:${port}`, {
      rejectUnauthorized: false,
      cert: cert.pem,
      key: cert.keyPem,
    });
    session.on('error', reject);
    const stream = session.request({ ':path': path, ...headers });
    let body = '';
    let status = 0;
    stream.on('response', (h) => {
      status = Number(h[':status']);
    });
    stream.on('data', (c: Buffer) => (body += c.toString()));
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.end();
  });

describe('negative matrix (issue 4) against the running server', () => {
  let pki: Pki;
  const api = reviewsAnswered();
  let stack: ReviewStack;
  let server: RunningServer;

  before(async () => {
    pki = await makePki();
    stack = await startReviewStack({
      serving: pki.apiServing,
      ca: pki.apiCa,
      reply: api.reply,
      authn: () => pki.config,
      app: (authorize) =>
        createApp({
          custom: provider(),
          health: { readyChecks: () => ({}), liveChecks: () => ({}) },
          authorize: authorizeWith(authorize),
          now: () => new Date(),
          version: { gitVersion: 'v0.0.0-test' },
          logger: silentLogger(),
        }),
    });
    server = stack.server;
  });

  after(() => stack.close());

  const proxyHeaders = (user: string) => ({
    'X-Remote-User': user,
    'X-Remote-Group': ['devs', 'system:authenticated'],
  });
  const cases: readonly {
    name: string;
    path?: string;
    cert?: keyof Pki['client'];
    headers?: Record<string, string | string[]>;
    code: number;
    /** The SubjectAccessReview user, when the request reaches authorization. */
    sarUser?: string;
  }[] = [
    {
      name: 'no credentials on a metrics path: 403 via SAR as anonymous',
      code: 403,
      sarUser: 'system:anonymous',
    },
    { name: 'no credentials on /healthz: always allowed', path: '/healthz', code: 200 },
    {
      name: 'forged X-Remote-User without a certificate: anonymous, 403',
      headers: { 'X-Remote-User': 'alice', 'X-Remote-Group': 'system:masters' },
      code: 403,
      sarUser: 'system:anonymous',
    },
    {
      name: 'proxy cert from the wrong CA: 401',
      cert: 'proxyWrongCa',
      headers: proxyHeaders('alice'),
      code: 401,
    },
    {
      name: 'proxy cert with a CN not allowed: 401',
      cert: 'proxyEvil',
      headers: proxyHeaders('alice'),
      code: 401,
    },
    {
      name: 'expired proxy cert: 401',
      cert: 'proxyExpired',
      headers: proxyHeaders('alice'),
      code: 401,
    },
    { name: 'garbage token: 401', headers: { authorization: 'Bearer garbage' }, code: 401 },
    { name: 'revoked token: 401', headers: { authorization: 'Bearer revoked-token' }, code: 401 },
    {
      name: 'valid proxied user denied by SAR: 403',
      cert: 'proxy',
      headers: proxyHeaders('carol'),
      code: 403,
      sarUser: 'carol',
    },
    {
      name: 'control: proxied alice is allowed',
      cert: 'proxy',
      headers: proxyHeaders('alice'),
      code: 200,
      sarUser: 'alice',
    },
    { name: 'control: client-cert alice is allowed', cert: 'alice', code: 200, sarUser: 'alice' },
    {
      name: 'client-CA cert cannot act as a proxy: it stays alice',
      cert: 'alice',
      headers: proxyHeaders('carol'),
      code: 200,
      sarUser: 'alice',
    },
    {
      name: 'control: a valid token is allowed',
      headers: { authorization: 'Bearer good-token' },
      code: 200,
      sarUser: 'bob',
    },
  ];

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const before = api.sars.length;
      const cert = c.cert === undefined ? undefined : pki.client[c.cert];
      const reply = await get(server.port, c.path ?? metricPath(i), cert, c.headers ?? {});
      assert.equal(reply.status, c.code, reply.body);
      const sars = api.sars.slice(before);
      if (c.sarUser === undefined) assert.equal(sars.length, 0);
      else assert.equal(sars[0]?.['user'], c.sarUser);
      if (c.code === 200) return;
      assert.doesNotMatch(reply.body, new RegExp(SECRET_VALUE));
      const status = JSON.parse(reply.body) as Body;
      assert.equal(status['kind'], 'Status');
      assert.equal(status['code'], c.code);
      if (c.code === 401) {
        assert.equal(status['message'], 'Unauthorized');
        assert.equal(status['reason'], 'Unauthorized');
      } else {
        assert.equal(status['reason'], 'Forbidden');
        assert.match(
          String(status['message']),
          new RegExp(`User "${c.sarUser ?? ''}" cannot get resource "pods/requests"`),
        );
      }
    });
  }

  it('the SAR carries the front-proxy groups and the resource attributes', async () => {
    const before = api.sars.length;
    await get(server.port, METRIC_PATH, pki.client.proxy, {
      ...proxyHeaders('alice'),
      'X-Remote-Extra-Scopes': 'a',
    });
    assert.deepEqual(api.sars.slice(before)[0], {
      user: 'alice',
      groups: ['devs', 'system:authenticated'],
      extra: { scopes: ['a'] },
      resourceAttributes: {
        namespace: 'ns',
        verb: 'get',
        group: 'custom.metrics.k8s.io',
        version: 'v1beta1',
        resource: 'pods',
        subresource: 'requests',
        name: 'web-0',
      },
    });
  });

  it('HTTP/2: front proxy allowed, forged headers on a client cert ignored', async () => {
    const ok = await getHttp2(server.port, METRIC_PATH, pki.client.proxy, {
      'x-remote-user': 'alice',
    });
    assert.equal(ok.status, 200, ok.body);
    const denied = await getHttp2(server.port, METRIC_PATH, pki.client.proxyEvil, {
      'x-remote-user': 'alice',
    });
    assert.equal(denied.status, 401);
  });
});
