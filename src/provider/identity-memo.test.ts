import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityMemo } from './identity-memo.ts';

describe('identity memo', () => {
  const cases: readonly {
    readonly name: string;
    readonly second: (a: object, b: object) => readonly [object, object, string];
    readonly shared: boolean;
  }[] = [
    { name: 'same inputs and key: made once', second: (a, b) => [a, b, 'k'], shared: true },
    { name: 'an equal but new first input', second: (_a, b) => [[1, 2], b, 'k'], shared: false },
    { name: 'an equal but new second input', second: (a) => [a, { v: 1 }, 'k'], shared: false },
    { name: 'another key', second: (a, b) => [a, b, 'other'], shared: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const memo = createIdentityMemo<{ readonly n: number }>();
      let made = 0;
      const make = () => ({ n: (made += 1) });
      const a = [1, 2];
      const b = { v: 1 };
      const first = memo.get(a, b, 'k', make);
      const [a2, b2, k2] = c.second(a, b);
      const second = memo.get(a2, b2, k2, make);
      assert.equal(second === first, c.shared);
      assert.equal(made, c.shared ? 1 : 2);
    });
  }
});
