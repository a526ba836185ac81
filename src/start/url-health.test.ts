import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUrlHealth } from './url-health.ts';

describe('url health', () => {
  const cases: readonly [string, readonly [string, string, boolean][], boolean | undefined][] = [
    ['never reported', [], undefined],
    ['down', [['b', 'u', false]], false],
    [
      'down, then up again',
      [
        ['b', 'u', false],
        ['b', 'u', true],
      ],
      true,
    ],
    ['another backend with the same URL does not count', [['other', 'u', false]], undefined],
  ];
  for (const [name, events, want] of cases) {
    it(name, () => {
      const h = createUrlHealth();
      for (const [b, u, up] of events) h.record(b, u, up);
      assert.equal(h.up('b', 'u'), want);
    });
  }
});
