import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalHeaderKey, hasAuthorization, invalidHeader, parseHeaderArgs } from './headers.ts';

describe('parseHeaderArgs', () => {
  const cases: { name: string; args: string[]; want: Record<string, string[]> }[] = [
    { name: 'key=value', args: ['foo=bar'], want: { Foo: ['bar'] } },
    { name: 'key alone', args: ['foo'], want: { Foo: [''] } },
    { name: 'split at first =', args: ['bux=baz=23'], want: { Bux: ['baz=23'] } },
    {
      name: 'repeated keys in any casing collect values',
      args: ['x-scope-orgid=a', 'X-Scope-OrgID=b', 'other=c'],
      want: { 'X-Scope-Orgid': ['a', 'b'], Other: ['c'] },
    },
    { name: 'empty value', args: ['foo='], want: { Foo: [''] } },
    { name: 'none', args: [], want: {} },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(parseHeaderArgs(c.args), c.want);
    });
  }
});

describe('canonicalHeaderKey', () => {
  const cases: [string, string][] = [
    ['authorization', 'Authorization'],
    ['x-foo-bar', 'X-Foo-Bar'],
    ['X-FOO-BAR', 'X-Foo-Bar'],
    ['content-TYPE', 'Content-Type'],
    ['with space', 'with space'],
    ['bad:colon', 'bad:colon'],
    ['', ''],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => {
      assert.equal(canonicalHeaderKey(input), want);
    });
  }
});

describe('invalidHeader', () => {
  it('accepts token names and plain values', () => {
    assert.equal(invalidHeader({ 'X-Scope-Orgid': ['tenant', ''] }), undefined);
  });
  it('rejects an empty or spaced name and CR/LF in values', () => {
    assert.match(invalidHeader({ '': ['x'] }) ?? '', /invalid header field name ""/);
    assert.match(invalidHeader({ 'a b': ['x'] }) ?? '', /invalid header field name/);
    assert.match(invalidHeader({ A: ['x\r\ny: z'] }) ?? '', /invalid header field value for "A"/);
  });
});

describe('hasAuthorization', () => {
  it('is case-insensitive', () => {
    assert.equal(hasAuthorization({ authorization: ['x'] }), true);
    assert.equal(hasAuthorization({ Accept: ['x'] }), false);
  });
});
