import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  createFakeKubeApi,
  statusBody,
  type RunningFake,
} from '../../test/support/fake-kube-api.ts';
import { createTestPki } from '../../test/support/pki.ts';
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
  fake.route('/api/v1/namespaces/default/echo', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        method: req.method,
        type: req.headers['content-type'] ?? null,
        body: req.body === '' ? null : (JSON.parse(req.body) as unknown),
      }),
    );
  });
  fake.setResponse(
    '/api/v1/namespaces/default/pods/missing/status',
    404,
    statusBody(404, 'NotFound', 'pods "missing" not found'),
  );
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

  const writes: {
    name: string;
    call: (c: ReturnType<typeof client>, path: string) => Promise<unknown>;
    method: string;
    type: string | null;
    body: unknown;
  }[] = [
    {
      name: 'PATCH sends a JSON merge patch',
      call: (c, path) => c.patchJson(path, { status: { phase: 'Running' } }),
      method: 'PATCH',
      type: 'application/merge-patch+json',
      body: { status: { phase: 'Running' } },
    },
    {
      name: 'DELETE sends DeleteOptions as JSON',
      call: (c, path) => c.deleteJson(path, { kind: 'DeleteOptions', gracePeriodSeconds: 0 }),
      method: 'DELETE',
      type: 'application/json',
      body: { kind: 'DeleteOptions', gracePeriodSeconds: 0 },
    },
    {
      name: 'DELETE without a body sends none',
      call: (c, path) => c.deleteJson(path),
      method: 'DELETE',
      type: null,
      body: null,
    },
  ];
  for (const w of writes) {
    it(w.name, async () => {
      const c = client();
      const reply = await w.call(c, '/api/v1/namespaces/default/echo');
      await c.close();
      assert.deepEqual(reply, { method: w.method, type: w.type, body: w.body });
    });
  }

  it('maps a failed PATCH of a subresource to KubernetesError', async () => {
    const c = client();
    await assert.rejects(
      c.patchJson('/api/v1/namespaces/default/pods/missing/status', { status: {} }),
      { name: 'KubernetesError', status: 404, reason: 'NotFound' },
    );
    await c.close();
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

  it('ends a watch with the error its onEvent throws', async () => {
    const c = client();
    const stop = new Error('stop here');
    await assert.rejects(
      c.watch(
        '/api/v1/watch-me',
        {},
        (e) => {
          if (e.type === 'MODIFIED') throw stop;
        },
        new AbortController().signal,
      ),
      (err: unknown) => err === stop,
    );
    await c.close();
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

describe('KubeClient over mutual TLS', () => {
  it('presents the connection client certificate and verifies the server against its CA', async () => {
    const pki = await createTestPki();
    const server = createServer(
      {
        cert: pki.server.cert,
        key: pki.server.key,
        ca: pki.ca.cert,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const cn =
          req.socket instanceof TLSSocket ? req.socket.getPeerCertificate().subject.CN : '';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ cn }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const cases = [
        {
          name: 'client certificate',
          conn: { server: url, ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
          ok: true,
        },
        { name: 'no client certificate', conn: { server: url, ca: pki.ca.cert }, ok: false },
        {
          name: 'untrusted server',
          conn: { server: url, cert: pki.client.cert, key: pki.client.key },
          ok: false,
        },
      ];
      for (const t of cases) {
        const c = createKubeClient(t.conn, { timeoutMs: 2000 });
        if (t.ok) assert.deepEqual(await c.getJson('/api'), { cn: 'test-client' }, t.name);
        else
          await assert.rejects(c.getJson('/api'), { name: 'KubernetesError', status: 0 }, t.name);
        await c.close();
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
