/**
 * Hostile requests through the real serving stack (issue 14): TLS, the Node bridge, the guards
 * and the app, with the real providers over the recording fakes. Requests are written by hand
 * on a TLS socket (raw bytes, so invalid targets reach the server as sent), one connection per
 * request; and over HTTP/2 on one session, every target the client lets through as `:path`.
 * Fewer cases than requests.property.test.ts (a TLS handshake each), same checks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { silentLogger } from '../../src/log.ts';
import { startServer, type RunningServer } from '../../src/serve/serve.ts';
import { rawRequest } from '../support/raw-http.ts';
import { fcParams } from '../support/hostile-params.ts';
import { checkResponse, hostileApp, method, requestTarget } from './requests.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CLIENT_REFUSALS: ReadonlySet<string> = new Set([
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP2_INVALID_HEADER_VALUE',
  'ERR_HTTP2_INVALID_PSEUDOHEADER',
  'ERR_HTTP2_CONNECT_AUTHORITY',
  'ERR_HTTP2_CONNECT_PATH',
  'ERR_HTTP2_CONNECT_SCHEME',
]);

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

  it('answers hostile :method and :path over HTTP/2 the same way', async () => {
    const session: ClientHttp2Session = connectHttp2(`https://127.0.0.1:${server.port}`, {
      rejectUnauthorized: false,
    });
    session.on('error', () => undefined);
    const codes = new Map<number, number>();
    const h2 = (m: string, target: string) =>
      new Promise<{ status: number; headers: Record<string, string>; body: string }>(
        (resolve, reject) => {
          const stream = session.request({ ':method': m, ':path': target });
          const chunks: Buffer[] = [];
          let status = 0;
          const headers: Record<string, string> = {};
          stream.on('response', (h) => {
            status = Number(h[':status']);
            for (const [k, v] of Object.entries(h)) if (typeof v === 'string') headers[k] = v;
          });
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          stream.on('error', reject);
          stream.end();
        },
      );
    try {
      await fc.assert(
        fc.asyncProperty(method, requestTarget, async (m, target) => {
          let res;
          try {
            res = await h2(m, target);
          } catch (err) {
            // The client refuses to send it (an invalid method token or header value); a reset
            // or any other failure from the server fails the property.
            const code = (err as { code?: string }).code ?? '';
            fc.pre(!CLIENT_REFUSALS.has(code));
            // A malformed request (method not a token, bytes a :path may not hold) is a stream
            // error PROTOCOL_ERROR (RFC 9113 §8.1.1), as Go's HTTP/2 server answers it too.
            const malformed = !TOKEN.test(m) || /[^\x21-\x7e]/.test(target);
            if (malformed && /NGHTTP2_PROTOCOL_ERROR/.test(String(err))) return;
            throw err;
          }
          codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
          checkResponse(target, m === 'HEAD', res.status, res.headers, res.body);
        }),
        fcParams(1_000),
      );
    } finally {
      session.close();
    }
    process.stdout.write(`# status codes over HTTP/2 ${JSON.stringify([...codes].sort())}\n`);
    assert.ok(codes.has(200) && codes.has(404), 'the generator reaches handlers');
  });
});
