import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createFakeKubeApi,
  statusBody,
  type RunningFake,
} from '../../test/support/fake-kube-api.ts';
import { createKubeClient, type WatchEvent } from './client.ts';
import { KubernetesError } from './kubernetes-error.ts';
import type { RateLimiter } from './rate-limiter.ts';

const fake = createFakeKubeApi({ authorization: 'Bearer good' });
let running: RunningFake;
const bearer = (token: string) => () => Promise.resolve(`Bearer ${token}`);

before(async () => {
  running = await fake.start();
  fake.setNamespaces([{ name: 'default' }]);
  fake.route('/apis/authentication.k8s.io/v1/tokenreviews', (req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        echoed: JSON.parse(req.body) as unknown,
        type: req.headers['content-type'],
      }),
    );
  });
  fake.route('/api/v1/watch-me', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
    setTimeout(() => {
      res.end('FIED","object":{"metadata":{"name":"a"}}}\n{"type":"ERROR","object":{"code":410}}');
    }, 20);
  });
  fake.route('/api/v1/hang', () => undefined);
});
after(async () => {
  await running.stop();
});

const client = (token = 'good', limiter?: RateLimiter) =>
  createKubeClient(
    { server: new URL(`${running.url}/`), authorization: bearer(token) },
    limiter === undefined ? { timeoutMs: 2000 } : { rateLimiter: limiter, timeoutMs: 2000 },
  );

describe('KubeClient', () => {
  it('GETs JSON with query, accept header and authorization', async () => {
    const c = client();
    fake.clearRequests();
    const list = (await c.getJson('/api/v1/namespaces', {
      query: { labelSelector: 'a in (b,c)' },
      accept: 'application/json;as=Table',
    })) as { kind: string };
    await c.close();
    assert.equal(list.kind, 'NamespaceList');
    const [req] = fake.requests;
    assert.deepEqual(req?.query, { labelSelector: 'a in (b,c)' });
    assert.equal(req.headers.accept, 'application/json;as=Table');
    assert.equal(req.headers.authorization, 'Bearer good');
  });

  it('POSTs JSON bodies', async () => {
    const c = client();
    const reply = await c.postJson('/apis/authentication.k8s.io/v1/tokenreviews', {
      spec: { token: 'x' },
    });
    await c.close();
    assert.deepEqual(reply, { echoed: { spec: { token: 'x' } }, type: 'application/json' });
  });

  it('maps Status bodies to KubernetesError', async () => {
    const c = client('bad');
    await assert.rejects(c.getJson('/api/v1/namespaces'), (err: unknown) => {
      assert.ok(err instanceof KubernetesError);
      assert.deepEqual(
        [err.status, err.reason, err.message],
        [401, 'Unauthorized', 'Unauthorized'],
      );
      return true;
    });
    await c.close();
    fake.setResponse('/api/v1/teapot', 418, 'short and stout');
    const c2 = client();
    await assert.rejects(c2.getJson('/api/v1/teapot'), /unexpected status 418/);
    fake.setResponse('/api/v1/gone', 410, statusBody(410, 'Expired', 'too old resource version'));
    await assert.rejects(c2.getJson('/api/v1/gone'), {
      status: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    await c2.close();
  });

  it('reports transport failures and timeouts with status 0', async () => {
    const c = createKubeClient({ server: new URL('http://127.0.0.1:1') }, { timeoutMs: 500 });
    await assert.rejects(
      c.getJson('/api'),
      (err: unknown) =>
        err instanceof KubernetesError && err.status === 0 && err.cause !== undefined,
    );
    await c.close();
    const slow = createKubeClient(
      { server: new URL(running.url), authorization: bearer('good') },
      { timeoutMs: 50 },
    );
    await assert.rejects(slow.getJson('/api/v1/hang'), { status: 0 });
    await slow.close();
  });

  it('throttles through the rate limiter unless told not to', async () => {
    let acquired = 0;
    const c = client('good', {
      acquire: () => {
        acquired++;
        return Promise.resolve();
      },
    });
    await c.getJson('/api');
    await c.getJson('/api', { throttle: false });
    await c.getJson('/api');
    await c.close();
    assert.equal(acquired, 2);
  });

  it('streams watch events split across chunks, adding watch=true', async () => {
    const c = client();
    fake.clearRequests();
    const events: WatchEvent[] = [];
    await c.watch(
      '/api/v1/watch-me',
      { resourceVersion: '5' },
      (e) => events.push(e),
      new AbortController().signal,
    );
    await c.close();
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'ERROR'],
    );
    assert.deepEqual(fake.requests[0]?.query, { resourceVersion: '5', watch: 'true' });
  });

  it('ends a watch quietly when its signal aborts', async () => {
    fake.route('/api/v1/watch-forever', (_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{}}\n');
    });
    const c = client();
    const ac = new AbortController();
    const events: string[] = [];
    await c.watch(
      '/api/v1/watch-forever',
      {},
      (e) => {
        events.push(e.type);
        ac.abort();
      },
      ac.signal,
    );
    assert.deepEqual(events, ['ADDED']);
    await c.close();
  });
});
