import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEncodeMemo, render, type RenderContext } from './negotiate.ts';

const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  accept: undefined,
  userAgent: undefined,
  query: new URLSearchParams(),
  auditId: 'a',
  ...over,
});

describe('encode memo', () => {
  it('encodes as Go does: HTML-unsafe characters escaped, compact ends with a newline', () => {
    const memo = createEncodeMemo();
    assert.equal(memo.body({ a: '<&>' }, false).toString(), '{"a":"\\u003c\\u0026\\u003e"}\n');
    assert.equal(memo.body({ a: 1 }, true).toString(), '{\n  "a": 1\n}');
  });

  const cases: readonly {
    readonly name: string;
    readonly second: (v: object) => { value: object; pretty: boolean };
    readonly same: boolean;
  }[] = [
    {
      name: 'the same object, same form: one encoding',
      second: (v) => ({ value: v, pretty: false }),
      same: true,
    },
    {
      name: 'an equal new object: encoded anew',
      second: () => ({ value: { n: 1 }, pretty: false }),
      same: false,
    },
    {
      name: 'the same object, indented: its own encoding',
      second: (v) => ({ value: v, pretty: true }),
      same: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const memo = createEncodeMemo();
      const value = { n: 1 };
      const first = memo.body(value, false);
      const next = c.second(value);
      assert.equal(memo.body(next.value, next.pretty) === first, c.same);
    });
  }

  it('render uses the memo for objects and encodes each time without one', () => {
    const value = { kind: 'X' };
    const reply = { kind: 'object', status: 200, value } as const;
    const memo = createEncodeMemo();
    const a = render(reply, ctx({ encoded: memo })).body;
    assert.equal(render(reply, ctx({ encoded: memo })).body, a);
    assert.equal(a.toString(), '{"kind":"X"}\n');
    assert.equal(render(reply, ctx()).body, '{"kind":"X"}\n');
  });
});
