import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rfc3339 } from './wire.ts';

describe('rfc3339', () => {
  const cases: [number, string][] = [
    [0, '1970-01-01T00:00:00Z'],
    [1_719_385_626, '2024-06-26T07:07:06Z'],
    [1_719_385_626.999, '2024-06-26T07:07:06Z'],
    [1_706_552_487.123, '2024-01-29T18:21:27Z'],
  ];
  for (const [seconds, want] of cases) {
    it(`${seconds} → ${want}`, () => {
      assert.equal(rfc3339(seconds), want);
    });
  }
});
