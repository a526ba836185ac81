import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokenBucket } from './rate-limiter.ts';

/** A virtual clock whose sleep advances time instead of waiting. */
const virtualTime = () => {
  const clock = { now: 0, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      return Promise.resolve();
    },
  };
};

describe('createTokenBucket', () => {
  it('allows a burst, then spaces requests at qps', async () => {
    const t = virtualTime();
    const limiter = createTokenBucket({ qps: 5, burst: 2, now: t.now, sleep: t.sleep });
    for (let i = 0; i < 4; i++) await limiter.acquire();
    assert.deepEqual(t.clock.sleeps, [200, 400]);
    t.clock.now = 10_000;
    t.clock.sleeps.length = 0;
    await limiter.acquire();
    await limiter.acquire();
    assert.deepEqual(t.clock.sleeps, [], 'refilled to burst after idling');
  });

  it('uses client-go defaults for zero and disables itself for negative qps', async () => {
    const t = virtualTime();
    const defaults = createTokenBucket({ qps: 0, burst: 0, now: t.now, sleep: t.sleep });
    for (let i = 0; i < 11; i++) await defaults.acquire();
    assert.deepEqual(t.clock.sleeps, [200]);
    const unlimited = createTokenBucket({ qps: -1, burst: 0, now: t.now, sleep: t.sleep });
    for (let i = 0; i < 100; i++) await unlimited.acquire();
    assert.equal(t.clock.sleeps.length, 1);
  });

  it('gives the token back when a waiter is aborted', async () => {
    const t = virtualTime();
    const sleeps: number[] = [];
    const limiter = createTokenBucket({
      qps: 1,
      burst: 1,
      now: t.now,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        if (signal === undefined) return Promise.resolve();
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('aborted'));
          });
        });
      },
    });
    await limiter.acquire();
    const ac = new AbortController();
    const waiting = limiter.acquire(ac.signal);
    ac.abort();
    await assert.rejects(waiting, /aborted/);
    await limiter.acquire();
    assert.deepEqual(sleeps, [1000, 1000], 'the next caller waits one interval, not two');
  });

  it('really waits with the default sleep', async () => {
    const limiter = createTokenBucket({ qps: 50, burst: 1 });
    const started = Date.now();
    await limiter.acquire();
    await limiter.acquire();
    assert.ok(Date.now() - started >= 15);
  });
});
