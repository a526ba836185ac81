import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../api/app.ts';
import { silentLogger } from '../log.ts';
import { rawRequest } from '../../test/support/raw-http.ts';
import { startServer, type RunningServer } from './serve.ts';

const okApp: App = {
  handle: (req) =>
    Promise.resolve({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: req.method === 'GET' ? 'ok' : `ok ${req.method}`,
    }),
};

describe('requests the HTTP/1.1 parser refuses (Go net/http answers)', () => {
  let server: RunningServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h1-fallbacks-'));
    server = await startServer(okApp, {
      bindAddress: '127.0.0.1',
      port: 0,
      certDir: dir,
      maxHeaderBytes: 4096,
      logger: silentLogger(),
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, string, number, string][] = [
    // Shrunk counterexample of test/hostile/serving.property.test.ts: method " ".
    ['a blank method', '  / HTTP/1.1\r\nHost: x\r\n\r\n', 400, '400 Bad Request'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, '400 Bad Request'],
    ['a bad header line', 'GET / HTTP/1.1\r\nno colon\r\n\r\n', 400, '400 Bad Request'],
    [
      'headers over the limit',
      `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(8192)}\r\n\r\n`,
      431,
      '431 Request Header Fields Too Large',
    ],
  ];
  for (const [name, head, status, body] of cases) {
    it(`${name}: ${status} text/plain, as Go`, async () => {
      const res = await rawRequest(server.port, Buffer.from(head));
      assert.deepEqual(
        [res.status, res.headers['content-type'], res.headers['connection'], res.body],
        [status, 'text/plain; charset=utf-8', 'close', body],
      );
    });
  }

  it('CONNECT reaches the app like any method (node:http would drop the connection)', async () => {
    // Shrunk counterexample of test/hostile/serving.property.test.ts.
    const res = await rawRequest(
      server.port,
      Buffer.from('CONNECT /apis/x HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    assert.deepEqual([res.status, res.body], [200, 'ok CONNECT']);
  });

  it('a well-formed request still reaches the app', async () => {
    const res = await rawRequest(
      server.port,
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    assert.deepEqual([res.status, res.body], [200, 'ok']);
  });
});
