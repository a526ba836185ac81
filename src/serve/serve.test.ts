import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as h2connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../log.ts';
import type { App } from '../api/app.ts';
import type { ApiRequest } from '../api/http-types.ts';
import { generateSelfSigned } from './self-signed.ts';
import { startServer, type RunningServer, type ServeOptions } from './serve.ts';
import type { PeerRequest } from './serve-handler.ts';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
  readonly alpn: string | false | undefined;
}

const h1 = (port: number, path: string, extra: RequestOptions = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      path,
      rejectUnauthorized: false,
      agent: false,
      ...extra,
    };
    const req = httpsRequest(
      { ...options, ALPNProtocols: ['http/1.1'] } as RequestOptions,
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => {
          const alpn = (res.socket as { alpnProtocol?: string | false } | null)?.alpnProtocol;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, alpn });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

const h2 = (port: number, path: string, tlsOptions: ConnectionOptions = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const client = h2connect(`https://127.0.0.1:${port}`, {
      rejectUnauthorized: false,
      ...tlsOptions,
    });
    client.on('error', reject);
    const req = client.request({ ':path': path });
    let body = '';
    let headers: Record<string, unknown> = {};
    req.on('response', (h) => (headers = h));
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const alpn = client.alpnProtocol;
      client.close();
      resolve({ status: Number(headers[':status']), headers, body, alpn });
    });
    req.on('error', reject);
  });

/** The negotiated ALPN protocol and the served certificate. */
const handshake = (port: number, extra: ConnectionOptions = {}) =>
  new Promise<{
    alpn: string | false | null;
    cert: X509Certificate | undefined;
    authorized: boolean;
  }>((resolve, reject) => {
    const socket = tlsConnect(
      {
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        ALPNProtocols: ['h2', 'http/1.1'],
        ...extra,
      },
      () => {
        const result = {
          alpn: socket.alpnProtocol,
          cert: socket.getPeerX509Certificate(),
          authorized: socket.authorized,
        };
        socket.end();
        resolve(result);
      },
    );
    socket.on('error', reject);
  });

const okApp = (seen: ApiRequest[] = []): App => ({
  handle: (req) => {
    seen.push(req);
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: `ok ${req.path}`,
    });
  },
});

const tempDirs: string[] = [];
const certDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'serve-test-'));
  tempDirs.push(dir);
  return dir;
};

const start = async (app: App, over: Partial<ServeOptions> = {}): Promise<RunningServer> =>
  startServer(app, {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir: await certDir(),
    logger: silentLogger(),
    ...over,
  });

after(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('protocols', () => {
  let server: RunningServer;
  before(async () => {
    server = await start(okApp());
  });
  after(() => server.close());

  it('serves HTTP/2 and HTTP/1.1 on one port', async () => {
    const a = await h2(server.port, '/x');
    assert.deepEqual([a.status, a.body, a.alpn], [200, 'ok /x', 'h2']);
    const b = await h1(server.port, '/y?z=1');
    assert.deepEqual([b.status, b.body, b.alpn], [200, 'ok /y?z=1', 'http/1.1']);
  });

  it('the generated cert verifies against its CA for localhost and 127.0.0.1', async () => {
    const pem = await readFile(server.certFile, 'utf8');
    const ca = pem.slice(pem.indexOf('-----END CERTIFICATE-----') + 26).trim();
    for (const servername of ['localhost', '127.0.0.1']) {
      const { authorized, cert } = await handshake(server.port, {
        ca,
        rejectUnauthorized: true,
        ...(servername === 'localhost' ? { servername } : {}),
      });
      assert.equal(authorized, true, servername);
      assert.match(cert?.subject ?? '', /^CN=localhost@\d+$/);
      assert.match(cert?.issuer ?? '', /^CN=localhost-ca@\d+$/);
    }
  });
});

describe('disableHttp2', () => {
  it('offers http/1.1 only', async () => {
    const server = await start(okApp(), { disableHttp2: true });
    try {
      assert.equal((await handshake(server.port)).alpn, 'http/1.1');
      assert.equal((await h1(server.port, '/')).status, 200);
      await assert.rejects(h2(server.port, '/'));
    } finally {
      await server.close();
    }
  });
});

describe('request guards', () => {
  it('504 Status after the deadline, with the app signal aborted', async () => {
    const signals: AbortSignal[] = [];
    const slow: App = {
      handle: (req) =>
        new Promise((resolve) => {
          if (req.signal !== undefined) signals.push(req.signal);
          req.signal?.addEventListener('abort', () => {
            resolve({ status: 200, headers: {}, body: 'late' });
          });
        }),
    };
    const server = await start(slow, { requestTimeoutMs: 150 });
    try {
      const res = await h1(server.port, '/apis');
      assert.equal(res.status, 504);
      const status = JSON.parse(res.body) as { reason: string; message: string };
      assert.equal(status.reason, 'Timeout');
      assert.equal(
        status.message,
        'Timeout: request did not complete within requested timeout - context deadline exceeded',
      );
      assert.equal(signals[0]?.aborted, true);
      const quicker = await h1(server.port, '/apis?timeout=50ms');
      assert.equal(quicker.status, 504);
      assert.equal((await h1(server.port, '/apis?timeout=abc')).status, 400);
    } finally {
      await server.close();
    }
  });

  it('429 with Retry-After when over max in flight; system:masters is exempt', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: App = {
      handle: async (req) => {
        if (req.path === '/block') await gate;
        return { status: 200, headers: {}, body: 'done' };
      },
    };
    const identify = (peer: PeerRequest) =>
      Promise.resolve(
        peer.headers['x-admin'] === '1'
          ? { identity: { name: 'admin', groups: ['system:masters'] } }
          : {},
      );
    const server = await start(gated, { maxRequestsInFlight: 1, identify });
    try {
      const blocked = h1(server.port, '/block');
      await new Promise((r) => setTimeout(r, 100));
      const rejected = await h1(server.port, '/other');
      assert.equal(rejected.status, 429);
      assert.equal(rejected.headers['retry-after'], '1');
      assert.equal((JSON.parse(rejected.body) as { reason: string }).reason, 'TooManyRequests');
      assert.equal((await h1(server.port, '/other', { headers: { 'x-admin': '1' } })).status, 200);
      open();
      assert.equal((await blocked).status, 200);
      assert.equal((await h1(server.port, '/other')).status, 200);
    } finally {
      open();
      await server.close();
    }
  });

  it('slow clients: unfinished headers get 408 and the connection is closed', async () => {
    const server = await start(okApp(), { headersTimeoutMs: 200 });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port: server.port,
            rejectUnauthorized: false,
            ALPNProtocols: ['http/1.1'],
          },
          () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'),
        );
        let data = '';
        socket.setEncoding('utf8').on('data', (d: string) => (data += d));
        socket
          .on('close', () => {
            resolve(data);
          })
          .on('error', reject);
      });
      assert.match(reply, /^HTTP\/1.1 408 /);
    } finally {
      await server.close();
    }
  });

  it('413 for a declared body over the bound', async () => {
    const server = await start(okApp(), { maxBodyBytes: 10 });
    try {
      const res = await h1(server.port, '/', {
        method: 'POST',
        headers: { 'content-length': '100' },
      });
      assert.equal(res.status, 413);
    } finally {
      await server.close();
    }
  });
});

describe('identify hook', () => {
  it('sees headers and the client chain; stripped headers never reach the app', async () => {
    const peers: PeerRequest[] = [];
    const chains: (readonly X509Certificate[])[] = [];
    const seen: ApiRequest[] = [];
    const identify = (peer: PeerRequest) => {
      peers.push(peer);
      chains.push(peer.peerChain());
      return Promise.resolve({
        identity: { name: 'front-proxy-user', groups: [] },
        stripHeaders: ['x-remote-user'],
      });
    };
    const server = await start(okApp(seen), { identify });
    const client = await generateSelfSigned(['client']);
    try {
      await h1(server.port, '/', {
        cert: client.cert,
        key: client.key,
        headers: { 'x-remote-user': 'jane', 'x-remote-group': ['a', 'b'] },
      });
      const chain = chains[0] ?? [];
      assert.equal(chain[0]?.subject.startsWith('CN=client@'), true);
      assert.equal(peers[0]?.headers['x-remote-user'], 'jane');
      assert.deepEqual(peers[0]?.headers['x-remote-group'], ['a', 'b']);
      assert.equal(seen[0]?.headers['x-remote-user'], undefined);
      assert.deepEqual(seen[0]?.headers['x-remote-group'], ['a', 'b']);
      assert.deepEqual(seen[0]?.identity, { name: 'front-proxy-user', groups: [] });
      await h1(server.port, '/');
      assert.deepEqual(chains[1], []);
      await h2(server.port, '/', { cert: client.cert, key: client.key });
      assert.equal(chains[2]?.[0]?.subject.startsWith('CN=client@'), true);
    } finally {
      await server.close();
    }
  });
});

describe('serving certificates', () => {
  it('reloads the cert when its files change', async () => {
    const dir = await certDir();
    const first = await generateSelfSigned(['first']);
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    await writeFile(certFile, first.cert);
    await writeFile(keyFile, first.key);
    const server = await start(okApp(), { certFile, keyFile, certCheckIntervalMs: 50 });
    try {
      assert.match((await handshake(server.port)).cert?.subject ?? '', /^CN=first@/);
      const second = await generateSelfSigned(['second']);
      await writeFile(keyFile, second.key);
      await writeFile(certFile, second.cert);
      let subject = '';
      for (let i = 0; i < 50 && !subject.startsWith('CN=second@'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        subject = (await handshake(server.port)).cert?.subject ?? '';
      }
      assert.match(subject, /^CN=second@/);
    } finally {
      await server.close();
    }
  });

  it('reuses the self-signed pair across restarts', async () => {
    const dir = await certDir();
    const one = await start(okApp(), { certDir: dir });
    const firstCert = (await handshake(one.port)).cert?.fingerprint256;
    await one.close();
    const two = await start(okApp(), { certDir: dir });
    try {
      assert.equal((await handshake(two.port)).cert?.fingerprint256, firstCert);
      assert.equal(two.certFile, join(dir, 'apiserver.crt'));
    } finally {
      await two.close();
    }
  });
});

describe('close', () => {
  it('lets an in-flight request finish, then refuses connections', async () => {
    const slow: App = {
      handle: async () => {
        await new Promise((r) => setTimeout(r, 150));
        return { status: 200, headers: {}, body: 'finished' };
      },
    };
    const server = await start(slow);
    const pending = h1(server.port, '/');
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    const res = await pending;
    assert.deepEqual([res.status, res.body, res.headers.connection], [200, 'finished', 'close']);
    await closing;
    await assert.rejects(h1(server.port, '/'));
  });

  it('closes idle keep-alive HTTP/1.1 connections and HTTP/2 sessions at once', async () => {
    const server = await start(okApp(), { drainTimeoutMs: 10_000 });
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    const session = h2connect(`https://127.0.0.1:${server.port}`, { rejectUnauthorized: false });
    try {
      assert.equal((await h1(server.port, '/', { agent })).status, 200);
      await new Promise<void>((resolve, reject) => {
        const req = session.request({ ':path': '/' });
        req.on('error', reject).resume().on('end', resolve);
      });
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 2_000, `close took ${Date.now() - started}ms`);
    } finally {
      agent.destroy();
      session.destroy();
    }
  });
});
