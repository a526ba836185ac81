/**
 * Fault matrix, the adapter itself: SIGTERM under continuous HPA requests with
 * --shutdown-delay-duration (no request dropped; the rollout e2e test shows the same through the
 * aggregator), and the protective limits under a flood: 429 past the in-flight limit, 413 for a
 * large body, 431 for large headers, RSS bounded. Compiled adapter, real Prometheus, fake kube API.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { pollUntil } from '../support/poll.ts';
import { faultSuite, firstFailure, hpaGet, HPA_PATH, recovery } from './fault-support.ts';
import { rssMiB } from './rss.ts';

/**
 * One raw HTTPS request on a new connection: the status, or the transport error's code, suffixed
 * ` before TLS` when the connection failed before its handshake completed (the listener closing:
 * the client never got to send the request, like ECONNREFUSED).
 */
const raw = (
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer },
): Promise<number | string> =>
  new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    let secured = false;
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        secured = true;
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(`${err.code ?? err.message}${secured ? '' : ' before TLS'}`);
    });
    req.end(opts.body);
  });

describe('the adapter under SIGTERM with continuous requests', { timeout: 120_000 }, () => {
  const s = faultSuite({ args: ['--shutdown-delay-duration=3s'] });

  it('serves every request through the delay, fails /readyz, then refuses and exits 0', async () => {
    const results: { at: number; outcome: number | string }[] = [];
    let stopped = false;
    const loop = async (): Promise<void> => {
      while (!stopped) {
        const outcome = await raw(s.adapter.port, { path: HPA_PATH });
        results.push({ at: performance.now(), outcome });
        if (outcome === 'ECONNREFUSED before TLS') return;
      }
    };
    const exited = new Promise<number | null>((resolve) =>
      s.adapter.process.child.once('exit', (code) => {
        resolve(code);
      }),
    );
    const loops = Array.from({ length: 8 }, loop);
    await pollUntil(
      () => Promise.resolve(results.length),
      (n) => n >= 50,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    const signalled = performance.now();
    s.adapter.process.child.kill('SIGTERM');
    const readyz = await raw(s.adapter.port, { path: '/readyz' });
    const code = await exited;
    stopped = true;
    await Promise.all(loops);
    const after = results.filter((r) => r.at > signalled);
    const served = after.filter((r) => r.outcome === 200);
    // A connection made as the listener closes is refused or reset before its TLS handshake:
    // the request was never sent (after the delay no load balancer sends any; see the e2e test).
    const other = results.filter(
      (r) => r.outcome !== 200 && !String(r.outcome).endsWith(' before TLS'),
    );
    const lastServed = Math.max(...served.map((r) => r.at)) - signalled;
    const door = results.filter((r) => String(r.outcome).endsWith(' before TLS'));
    const doorKinds = [...new Set(door.map((r) => r.outcome))];
    console.log(
      `[fault-matrix] SIGTERM: ${results.length} requests, ${served.length} served after the signal ` +
        `(last ${Math.round(lastServed)} ms after it), ${door.length} refused at the door ${JSON.stringify(doorKinds)}, others: ${JSON.stringify(other)}, exit ${String(code)}`,
    );
    assert.equal(readyz, 500, '/readyz fails at once');
    assert.deepEqual(other, [], 'no request sent was dropped');
    assert.ok(served.length > 0 && lastServed >= 2500, 'served through the 3 s delay');
    assert.equal(code, 0);
  });
});

describe('the adapter flooded', { timeout: 120_000 }, () => {
  const s = faultSuite();

  it('431 for 2 MiB of headers, 413 for a 4 MiB body, RSS bounded', async () => {
    const pid = s.adapter.process.child.pid ?? 0;
    const before = rssMiB(pid);
    const big = 'x'.repeat(2 * 1024 * 1024);
    const headers = await Promise.all(
      Array.from({ length: 20 }, () =>
        raw(s.adapter.port, { path: HPA_PATH, headers: { 'x-big': big } }),
      ),
    );
    const body = Buffer.alloc(4 * 1024 * 1024, 0x61);
    const bodies = await Promise.all(
      Array.from({ length: 20 }, () =>
        raw(s.adapter.port, {
          method: 'POST',
          path: HPA_PATH,
          body,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    const afterRss = rssMiB(pid);
    console.log(
      `[fault-matrix] flood of large headers ${JSON.stringify([...new Set(headers)])}, bodies ${JSON.stringify([...new Set(bodies)])}, RSS ${before.toFixed(0)} → ${afterRss.toFixed(0)} MiB`,
    );
    // The server answers and closes while the client may still be sending: the client then
    // sees its write fail (ECONNRESET/EPIPE) instead of the status. Never anything else.
    assert.ok(headers.includes(431), 'some client read the 431');
    assert.deepEqual(
      headers.filter((o) => o !== 431 && !/^(ECONNRESET|EPIPE)/.test(String(o))),
      [],
    );
    assert.ok(bodies.includes(413), 'some client read the 413');
    assert.deepEqual(
      bodies.filter((o) => o !== 413 && !/^(ECONNRESET|EPIPE)/.test(String(o))),
      [],
    );
    assert.ok(afterRss - before < 100, `RSS grew by ${afterRss - before} MiB`);
    assert.equal((await hpaGet(s.adapter)).status, 200, 'still serving');
  });

  it('429 past 400 requests in flight (Prometheus stalled), RSS bounded, recovers', async () => {
    const pid = s.adapter.process.child.pid ?? 0;
    const before = rssMiB(pid);
    s.h.proxy.setFault({ mode: 'stall' }, 'query');
    await firstFailure(s.adapter, '1s');
    const t0 = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 600 }, () => raw(s.adapter.port, { path: `${HPA_PATH}&timeout=8s` })),
    );
    const peak = rssMiB(pid);
    s.h.proxy.setFault({ mode: 'pass' });
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[String(o)] = (counts[String(o)] ?? 0) + 1;
    const recoveredS = await recovery(s.adapter);
    console.log(
      `[fault-matrix] 600 concurrent, Prometheus stalled: ${JSON.stringify(counts)} in ${Math.round(performance.now() - t0)} ms, ` +
        `RSS ${before.toFixed(0)} → ${peak.toFixed(0)} MiB, recovered in ${recoveredS.toFixed(2)} s`,
    );
    assert.ok((counts['429'] ?? 0) >= 150, `429s: ${JSON.stringify(counts)}`);
    assert.deepEqual(
      Object.keys(counts).filter((k) => k !== '429' && k !== '504'),
      [],
      'only 429 (limit) and 504 (deadline)',
    );
    assert.ok(peak - before < 150, `RSS grew by ${peak - before} MiB`);
    assert.ok(recoveredS < 5, `recovered ${recoveredS} s after the stall ended`);
  });
});
