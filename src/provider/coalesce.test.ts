import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCoalescer } from './coalesce.ts';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('coalescer', () => {
  it('shares one in-flight call among concurrent callers', async () => {
    let calls = 0;
    const d = deferred<number>();
    const c = createCoalescer<number>({ ttlMs: 0, maxEntries: 10, now: () => 0 });
    const load = () => {
      calls += 1;
      return d.promise;
    };
    const all = Promise.all([c.get('k', load), c.get('k', load), c.get('k', load)]);
    d.resolve(7);
    assert.deepEqual(await all, [7, 7, 7]);
    assert.equal(calls, 1);
  });

  it('aborts the shared call once every caller has aborted, then loads anew', () => {
    const c = createCoalescer<number>({ ttlMs: 1000, maxEntries: 10, now: () => 0 });
    const seen: AbortSignal[] = [];
    const load = (signal: AbortSignal) => {
      seen.push(signal);
      return new Promise<number>(() => undefined);
    };
    const [a, b] = [new AbortController(), new AbortController()];
    void c.get('k', load, a.signal);
    void c.get('k', load, b.signal);
    a.abort();
    assert.equal(seen[0]?.aborted, false, 'one caller still waits');
    b.abort();
    assert.equal(seen[0]?.aborted, true, 'nobody waits any more');
    void c.get('k', load, new AbortController().signal);
    assert.equal(seen.length, 2, 'the abandoned call is not shared');
  });

  it('never aborts a call that a caller without a signal waits on', () => {
    const c = createCoalescer<number>({ ttlMs: 1000, maxEntries: 10, now: () => 0 });
    const seen: AbortSignal[] = [];
    const load = (signal: AbortSignal) => {
      seen.push(signal);
      return new Promise<number>(() => undefined);
    };
    const a = new AbortController();
    void c.get('k', load);
    void c.get('k', load, a.signal);
    a.abort();
    assert.equal(seen[0]?.aborted, false);
    assert.equal(seen.length, 1);
  });

  it('reuses a result for ttl, then loads again', async () => {
    let now = 0;
    let calls = 0;
    const c = createCoalescer<number>({ ttlMs: 1000, maxEntries: 10, now: () => now });
    const load = () => Promise.resolve(++calls);
    assert.equal(await c.get('k', load), 1);
    now = 999;
    assert.equal(await c.get('k', load), 1);
    now = 1000;
    assert.equal(await c.get('k', load), 2);
  });

  it('never caches failures', async () => {
    let calls = 0;
    const c = createCoalescer<number>({ ttlMs: 60_000, maxEntries: 10, now: () => 0 });
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('boom'));
    };
    await assert.rejects(c.get('k', failing));
    await assert.rejects(c.get('k', failing));
    assert.equal(calls, 2);
  });

  it('stays bounded', async () => {
    const c = createCoalescer<string>({ ttlMs: 60_000, maxEntries: 3, now: () => 0 });
    let calls = 0;
    for (const k of ['a', 'b', 'c', 'd', 'e'])
      await c.get(k, () => Promise.resolve(`${k}${++calls}`));
    assert.equal(await c.get('e', () => Promise.resolve('reloaded')), 'e5', 'newest kept');
    assert.equal(await c.get('a', () => Promise.resolve('reloaded')), 'reloaded', 'oldest evicted');
  });
});
