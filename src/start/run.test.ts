// The shutdown sequence (--shutdown-delay-duration) against an in-process HTTPS server, wired as
// start/adapter.ts wires it: the health source reads the notice and the server closes when the
// sequence's signal aborts.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp, type App } from '../api/app.ts';
import { silentLogger } from '../log.ts';
import { startServer } from '../serve/serve.ts';
import { createHealthSource, createShutdownNotice } from './health.ts';
import { shutdownSequence } from './run.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One GET on a fresh HTTP/1.1 connection. */
const get = (port: number, path: string): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

const errorCode = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'answered',
    (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err),
  );

/** An adapter-like server: the real app and health source, plus `/slow`, held until `release()`. */
const setup = async (certDir: string, delayMs: number) => {
  const notice = createShutdownNotice();
  const process = new EventEmitter();
  const exits: number[] = [];
  const events: string[] = [];
  const signal = shutdownSequence({
    logger: silentLogger(),
    delayMs,
    notice,
    on: (name, listener) => process.on(name, listener),
    exit: (code) => exits.push(code),
  });
  const health = createHealthSource({
    relist: () => ({
      lastRunAt: 1,
      lastSuccessAt: 1,
      failing: [],
      queries: 1,
      lastError: undefined,
    }),
    relistIntervalMs: 60_000,
    now: () => 2,
    relisting: true,
    shuttingDown: notice.began,
  });
  const inner = createApp({
    health,
    now: () => new Date(0),
    version: { gitVersion: 'v0.0.0', platform: 'linux/amd64' },
    logger: silentLogger(),
  });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const app: App = {
    handle: async (req) => {
      if (req.path !== '/slow') return inner.handle(req);
      events.push('slow started');
      await gate;
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'slow done' };
    },
  };
  const server = await startServer(app, {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir,
    logger: silentLogger(),
  });
  const closed = new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => {
      events.push('listener closing');
      void server.close().then(() => {
        events.push('closed');
        resolve();
      });
    });
  });
  return {
    process,
    notice,
    exits,
    events,
    signal,
    server,
    closed,
    release: () => {
      release();
    },
  };
};

describe('shutdown sequence (--shutdown-delay-duration)', () => {
  let certDir = '';
  before(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
  });
  after(async () => {
    await rm(certDir, { recursive: true, force: true });
  });

  it('fails readiness at once, serves through the delay, then drains and refuses', async () => {
    const s = await setup(certDir, 5000);
    const { port } = s.server;
    assert.equal((await get(port, '/readyz')).status, 200);
    assert.match((await get(port, '/readyz?verbose')).body, /\[\+\]shutdown ok/);
    const slow = get(port, '/slow');
    while (!s.events.includes('slow started')) await new Promise((r) => setTimeout(r, 10));

    const t0 = Date.now();
    s.process.emit('SIGTERM');
    assert.equal(s.notice.began(), true);
    assert.equal(s.signal.aborted, false, 'the listener stays open for the delay');
    const ready = await get(port, '/readyz?verbose');
    s.events.push(`readyz ${ready.status}`);
    assert.equal(ready.status, 500);
    assert.match(ready.body, /\[-\]shutdown failed: process is shutting down/);
    assert.equal((await get(port, '/livez')).status, 200, 'liveness is unaffected');
    // A request that arrives during the delay, on a new connection, is answered.
    const during = await get(port, '/version');
    s.events.push(`request during delay ${during.status}`);
    assert.equal(during.status, 200);
    assert.ok(Date.now() - t0 < 5000, 'still within the delay');

    await new Promise<void>((resolve) => {
      s.signal.addEventListener('abort', () => {
        resolve();
      });
    });
    assert.ok(Date.now() - t0 >= 4990, `aborted after ${Date.now() - t0} ms`);
    // Draining: new connections are refused while the slow request is still in flight.
    assert.equal(await errorCode(get(port, '/version')), 'ECONNREFUSED');
    assert.equal(s.events.includes('closed'), false, 'close() waits for the in-flight request');
    s.release();
    const answer = await slow;
    assert.deepEqual(answer, { status: 200, body: 'slow done' });
    await s.closed;
    assert.deepEqual(s.events, [
      'slow started',
      'readyz 500',
      'request during delay 200',
      'listener closing',
      'closed',
    ]);
    assert.deepEqual(s.exits, []);
    s.process.emit('SIGINT');
    assert.deepEqual(s.exits, [1], 'a second signal exits at once with 1');
  });

  it('delay 0 (the default) closes at once, as before the flag', async () => {
    const s = await setup(certDir, 0);
    s.process.emit('SIGINT');
    assert.equal(s.signal.aborted, true);
    assert.equal(s.notice.began(), true);
    await s.closed;
    assert.equal(await errorCode(get(s.server.port, '/readyz')), 'ECONNREFUSED');
    s.process.emit('SIGTERM');
    assert.deepEqual(s.exits, [1]);
  });
});
