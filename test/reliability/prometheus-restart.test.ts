/**
 * Fault matrix, Prometheus process: the real Prometheus SIGKILLed and restarted on the same port
 * (the adapter talks to it directly, no proxy), and a stall under load with the default
 * coalescing, where stalled queries pile up in the adapter's connection pool.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { faultSuite, firstFailure, hpaGet, recovery, report } from './fault-support.ts';

const FETCH = 'Internal error occurred: unable to fetch metrics';

describe('Prometheus killed and restarted on the same port', { timeout: 120_000 }, () => {
  const s = faultSuite({ via: 'direct' });

  it('answers 500 at once while it is gone, and recovers by itself once it is back', async () => {
    await s.h.prometheus.kill();
    const down = await firstFailure(s.adapter, '3s');
    assert.equal(down.status, 500, down.body);
    assert.equal(down.message, FETCH);
    assert.ok(down.ms < 1000, `answered in ${down.ms} ms`);
    assert.match(s.adapter.process.output(), /ECONNREFUSED/);
    assert.equal((await s.adapter.get('/livez')).status, 200, 'alive all the same');
    const restarted = performance.now();
    await s.h.prometheus.restart();
    const readyS = (performance.now() - restarted) / 1000;
    const recoveredS = await recovery(s.adapter);
    report(`Prometheus SIGKILLed (restart took ${readyS.toFixed(2)} s)`, down, recoveredS);
    assert.ok(recoveredS < 5, `recovered ${recoveredS} s after Prometheus was ready`);
  });
});

describe('Prometheus stalled under load (default coalescing)', { timeout: 120_000 }, () => {
  const s = faultSuite();

  it('every request gets its 504 on time, and the first after the stall succeeds', async () => {
    s.h.proxy.setFault({ mode: 'stall' }, 'query');
    await firstFailure(s.adapter, '1s');
    // 40 requests over ~4 s: a new coalescing window each 1 s, 10 HPAs per window; each stalled
    // query holds one of the s.adapter's pooled connections to Prometheus.
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 100));
        return hpaGet(s.adapter, '1s');
      }),
    );
    s.h.proxy.setFault({ mode: 'pass' });
    const recoveredS = await recovery(s.adapter, 90_000);
    report('Prometheus stalled under load (40 HPA requests)', answers[0]!, recoveredS);
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([504]));
    assert.ok(Math.max(...answers.map((a) => a.ms)) < 2500, 'no hang past the 1 s deadline');
    assert.ok(recoveredS < 5, `recovered ${recoveredS} s after the stall ended`);
  });
});
