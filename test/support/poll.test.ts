import assert from 'node:assert/strict';
import { test } from 'node:test';
import { polled, pollUntil } from './poll.ts';

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

test('polled gives the accepted value, or throws naming what timed out', async () => {
  const hit = await pollUntil(
    () => Promise.resolve('up'),
    (v) => v === 'up',
    { timeoutMs: 100, intervalMs: 1 },
  );
  assert.equal(polled(hit, 'up'), 'up');
  const failing = await pollUntil(
    () => Promise.reject(new Error('nope')),
    () => true,
    { timeoutMs: 10, intervalMs: 5 },
  );
  assert.throws(
    () => polled(failing, 'the server'),
    (err: Error) => /waiting for the server/.test(err.message) && /nope/.test(String(err.cause)),
  );
});
