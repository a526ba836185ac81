import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTimeline } from './timeline.ts';

test('createTimeline prints notes in time order, relative to the start', () => {
  const start = Date.parse('2025-01-02T03:04:05Z');
  const tl = createTimeline(start);
  tl.note('second', start + 12_300);
  tl.note('first', start + 1000);
  assert.deepEqual(tl.lines(), ['+   1.0s  03:04:06Z  first', '+  12.3s  03:04:17Z  second']);
  assert.equal(tl.entries.length, 2);
});
