import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTimeline, parseQuantity, pollUntil } from './poll.ts';

test('parseQuantity reads the suffixes the metrics APIs use', () => {
  const table: [string, number][] = [
    ['1500m', 1.5],
    ['2', 2],
    ['0', 0],
    ['3k', 3000],
    ['64Mi', 64 * 1024 * 1024],
    ['250u', 0.00025],
  ];
  for (const [q, want] of table) assert.equal(parseQuantity(q), want, q);
  assert.throws(() => parseQuantity('1.5x'), /not a quantity/);
});

test('pollUntil returns the accepted value, or the last one on timeout', async () => {
  let n = 0;
  const hit = await pollUntil(
    () => Promise.resolve(++n),
    (v) => v >= 3,
    { timeoutMs: 1000, intervalMs: 1 },
  );
  assert.equal(hit.ok, true);
  assert.equal(hit.value, 3);
  const miss = await pollUntil(
    () => Promise.resolve(7),
    (v) => v > 10,
    { timeoutMs: 20, intervalMs: 5 },
  );
  assert.equal(miss.ok, false);
  assert.equal(miss.value, 7);
  const failing = await pollUntil(
    () => Promise.reject(new Error('nope')),
    () => true,
    { timeoutMs: 10, intervalMs: 5 },
  );
  assert.equal(failing.ok, false);
  assert.match(String(failing.lastError), /nope/);
});

test('createTimeline prints notes in time order, relative to the start', () => {
  const start = Date.parse('2025-01-02T03:04:05Z');
  const tl = createTimeline(start);
  tl.note('second', start + 12_300);
  tl.note('first', start + 1000);
  assert.deepEqual(tl.lines(), ['+   1.0s  03:04:06Z  first', '+  12.3s  03:04:17Z  second']);
  assert.equal(tl.entries.length, 2);
});
