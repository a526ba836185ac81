/**
 * Readiness tells the truth: while no relist has succeeded (every series call failed), /readyz
 * fails and, with ?verbose, says why; once Prometheus answers, the adapter becomes ready by itself.
 * Real adapter process and real Prometheus; the recording proxy in front of Prometheus answers 503
 * while it is "down".
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../support/poll.ts';
import { startAdapter, startHarness, type Harness, type RunningAdapter } from './harness.ts';

describe('readiness follows the relist', () => {
  let h: Harness;
  let adapter: RunningAdapter;

  before(async () => {
    h = await startHarness(1);
    h.proxy.setDown(true);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [], 'healthz');
  });

  after(async () => {
    await adapter.stop();
    await h.stop();
  });

  it('is not ready while every series call has failed, and says why with ?verbose', async () => {
    const r = await pollUntil(
      () => adapter.get('/readyz?verbose'),
      (a) => a.body.includes('[-]metrics-relist failed: no relist has succeeded yet'),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.ok(r.ok, `readyz said: ${r.value?.body ?? String(r.lastError)}`);
    assert.equal(r.value?.status, 500);
    assert.match(
      r.value?.body ?? '',
      /no relist has succeeded yet: all \d+ series queries failed \(.*unavailable.*\)/,
    );
    const terse = await adapter.get('/readyz');
    assert.equal(terse.status, 500);
    assert.match(terse.body, /\[-\]metrics-relist failed: reason withheld/);
    assert.equal((await adapter.get('/livez')).status, 200, 'alive all the same');
  });

  it('becomes ready by itself once Prometheus answers', async () => {
    h.proxy.setDown(false);
    const r = await pollUntil(
      () => adapter.get('/readyz'),
      (a) => a.status === 200,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.ok(r.ok, `readyz said: ${r.value?.body ?? String(r.lastError)}`);
  });
});
