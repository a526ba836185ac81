import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTtlCache } from './ttl-cache.ts';

describe('createTtlCache', () => {
  it('expires entries at now + ttl', () => {
    const cache = createTtlCache<string>(10);
    cache.set('k', 'v', 100, 50);
    assert.equal(cache.get('k', 149), 'v');
    assert.equal(cache.get('k', 150), undefined);
    assert.equal(cache.size, 0);
  });
  it('stores nothing with a ttl of 0', () => {
    const cache = createTtlCache<string>(10);
    cache.set('k', 'v', 0, 0);
    assert.equal(cache.get('k', 0), undefined);
  });
  it('evicts the least recently used entry when full', () => {
    const cache = createTtlCache<number>(2);
    cache.set('a', 1, 0, 100);
    cache.set('b', 2, 0, 100);
    assert.equal(cache.get('a', 1), 1);
    cache.set('c', 3, 1, 100);
    assert.equal(cache.get('b', 2), undefined);
    assert.equal(cache.get('a', 2), 1);
    assert.equal(cache.get('c', 2), 3);
    assert.equal(cache.size, 2);
  });
  it('keeps the recency order exact when the newest entry is read again and again', () => {
    const cache = createTtlCache<number>(3);
    cache.set('a', 1, 0, 100);
    cache.set('b', 2, 0, 100);
    cache.set('c', 3, 0, 100);
    for (const key of ['a', 'a', 'b', 'b', 'a']) cache.get(key, 1);
    cache.set('d', 4, 1, 100);
    assert.equal(cache.get('c', 2), undefined);
    cache.set('e', 5, 2, 100);
    assert.equal(cache.get('b', 3), undefined);
    assert.deepEqual(
      ['a', 'd', 'e'].map((k) => cache.get(k, 3)),
      [1, 4, 5],
    );
  });
  it('drops an expired newest entry and stores it afresh', () => {
    const cache = createTtlCache<number>(2);
    cache.set('a', 1, 0, 10);
    assert.equal(cache.get('a', 10), undefined);
    cache.set('a', 2, 10, 10);
    cache.set('b', 3, 10, 10);
    assert.equal(cache.get('a', 11), 2);
    cache.set('c', 4, 11, 10);
    assert.equal(cache.get('b', 12), undefined);
    assert.equal(cache.get('a', 12), 2);
  });
});
