/**
 * Saturation, short variant (25 s; the 10-minute run is `npm run soak`, test/reliability/soak.ts):
 * the HPA's request as fast as this machine can send it, against the compiled adapter, a real
 * Prometheus and the fake kube API. The only refusals allowed are 429s; no request fails
 * otherwise or hangs; RSS does not keep growing. Figures are printed, not asserted as targets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { faultSuite } from './fault-support.ts';
import { saturate, summary } from './saturation.ts';

describe('saturation (short)', { timeout: 120_000 }, () => {
  const s = faultSuite({ apps: 3, via: 'direct' });

  it('25 s at full rate: only 200s and 429s, no hang, RSS flat', async () => {
    const r = await saturate({
      port: s.adapter.port,
      pid: s.adapter.process.child.pid ?? 0,
      durationMs: 25_000,
      concurrency: 64,
    });
    console.log(`[fault-matrix] saturation 25 s: ${summary(r)}`);
    assert.deepEqual(
      Object.keys(r.outcomes).filter((k) => k !== '200' && k !== '429'),
      [],
      JSON.stringify(r.outcomes),
    );
    assert.ok((r.outcomes['200'] ?? 0) > 0);
    assert.ok(Math.max(...r.windows.map((w) => w.maxMs)) < 10_000, 'no request near a deadline');
    // A leak check, not a target: after the first 10 s the RSS stays within 64 MiB of itself.
    const settled = r.rssMiB.slice(2);
    assert.ok(Math.max(...settled) - Math.min(...settled) < 64, `RSS ${r.rssMiB.join(' ')}`);
  });
});
