import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RelistStatus } from '../discovery/relister.ts';
import { createHealthSource, createShutdownNotice } from './health.ts';

const status = (over: Partial<RelistStatus>): RelistStatus => ({
  lastRunAt: 0,
  lastSuccessAt: 0,
  failing: [],
  queries: 2,
  lastError: undefined,
  ...over,
});

describe('adapter health', () => {
  const cases: readonly {
    name: string;
    relist: RelistStatus;
    now: number;
    ready: string | undefined;
    live: boolean;
  }[] = [
    {
      name: 'starting',
      relist: status({}),
      now: 1,
      ready: 'first relist not done yet',
      live: true,
    },
    {
      name: 'every series call of the first relist failed',
      relist: status({ lastRunAt: 5, failing: ['a', 'b'], lastError: 'connection refused' }),
      now: 6,
      ready: 'no relist has succeeded yet: all 2 series queries failed (connection refused)',
      live: true,
    },
    {
      name: 'one call of two answered',
      relist: status({ lastRunAt: 5, lastSuccessAt: 5, failing: ['a'] }),
      now: 6,
      ready: undefined,
      live: true,
    },
    {
      name: 'later relists fail: the last good index still serves',
      relist: status({ lastRunAt: 100_000, lastSuccessAt: 50_000, failing: ['a', 'b'] }),
      now: 110_000,
      ready: undefined,
      live: true,
    },
    {
      name: 'stalled',
      relist: status({ lastRunAt: 100_000, lastSuccessAt: 100_000 }),
      now: 200_000,
      ready: undefined,
      live: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = createHealthSource({
        relist: () => c.relist,
        relistIntervalMs: 10_000,
        now: () => c.now,
        relisting: true,
      });
      assert.equal(s.readyChecks()['metrics-relist'], c.ready);
      const live = Object.values(s.liveChecks()).every((v) => v === undefined);
      assert.equal(live, c.live);
    });
  }
});

describe('shutdown readiness check', () => {
  const base = {
    relist: () => status({ lastRunAt: 5, lastSuccessAt: 5 }),
    relistIntervalMs: 10_000,
    now: () => 6,
    relisting: true,
  };

  it('passes until the notice begins, then fails; liveness is unaffected', () => {
    const notice = createShutdownNotice();
    const s = createHealthSource({ ...base, shuttingDown: notice.began });
    assert.equal(s.readyChecks()['shutdown'], undefined);
    assert.ok('shutdown' in s.readyChecks(), 'listed as [+]shutdown ok, as the generic apiserver');
    notice.begin();
    assert.equal(s.readyChecks()['shutdown'], 'process is shutting down');
    assert.deepEqual(s.liveChecks(), { 'metrics-relist': undefined });
  });
});

describe('relist checks follow the rules in use', () => {
  it('appear and vanish as a reload adds or removes every rule', () => {
    let rules = 0;
    const s = createHealthSource({
      relist: () => status({ lastRunAt: 0, lastSuccessAt: 0 }),
      relistIntervalMs: 10_000,
      now: () => 6,
      relisting: () => rules > 0,
    });
    assert.ok(!('metrics-relist' in s.readyChecks()));
    assert.deepEqual(s.liveChecks(), {});
    rules = 2;
    assert.equal(s.readyChecks()['metrics-relist'], 'first relist not done yet');
    assert.ok('metrics-relist' in s.liveChecks());
  });
});
