import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHealthSource } from './health.ts';

describe('adapter health', () => {
  const source = (lastRelistAt: number, loaded: boolean, now: number) =>
    createHealthSource({
      lastRelistAt: () => lastRelistAt,
      relistIntervalMs: 10_000,
      resourceMapLoaded: () => loaded,
      now: () => now,
      relisting: true,
    });

  const cases = [
    { name: 'starting', last: 0, loaded: false, now: 1, ready: false, live: true },
    { name: 'map loaded, no relist yet', last: 0, loaded: true, now: 1, ready: false, live: true },
    { name: 'running', last: 100_000, loaded: true, now: 110_000, ready: true, live: true },
    { name: 'stalled', last: 100_000, loaded: true, now: 200_000, ready: true, live: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = source(c.last, c.loaded, c.now);
      const ok = (checks: Readonly<Record<string, string | undefined>>) =>
        Object.values(checks).every((v) => v === undefined);
      assert.equal(ok(s.readyChecks()), c.ready);
      assert.equal(ok(s.liveChecks()), c.live);
    });
  }
});
