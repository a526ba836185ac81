/**
 * Hostile requests through the real serving stack (issue 14): TLS, the Node bridge, the guards
 * and the app, with the real providers over the recording fakes. Requests are written by hand
 * on a TLS socket (raw bytes, so invalid targets reach the server as sent), one connection per
 * request. Fewer cases than requests.property.test.ts (a TLS handshake each), same checks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { silentLogger } from '../../src/log.ts';
import { startServer, type RunningServer } from '../../src/serve/serve.ts';
import { rawRequest } from '../support/raw-http.ts';
import { fcParams } from '../support/hostile-params.ts';
import { checkResponse, hostileApp, method, requestTarget } from './requests.ts';

describe('hostile requests through the TLS serving stack (issue 14)', () => {
  const { app } = hostileApp();
  let server: RunningServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hostile-serving-'));
    server = await startServer(app, {
      bindAddress: '127.0.0.1',
      port: 0,
      certDir: dir,
      logger: silentLogger(),
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers raw hostile request lines over TLS with a 2xx/4xx Status or upstream plain text', async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, requestTarget, async (m, target) => {
        const head = Buffer.from(
          `${m} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        );
        const res = await rawRequest(server.port, head);
        codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        assert.ok(Number.isInteger(res.status), `no HTTP answer to ${m} ${target}`);
        checkResponse(target, m === 'HEAD', res.status, res.headers, res.body);
      }),
      fcParams(500),
    );
    process.stdout.write(`# status codes over TLS ${JSON.stringify([...codes].sort())}\n`);
    assert.ok(codes.has(200) && codes.has(404), 'the generator reaches handlers');
  });
});
