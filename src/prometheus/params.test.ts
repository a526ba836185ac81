import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeQuery, formatModelTime, queryEscape } from './params.ts';

describe('formatModelTime', () => {
  const cases: [number, string][] = [
    [1712345678.123, '1712345678.123'],
    [1712345678.1, '1712345678.1'],
    [1712345678, '1712345678'],
    [1712345678.12345, '1712345678.123'],
    [1712345678.9996, '1712345679'],
    [0.5, '0.5'],
  ];
  for (const [seconds, want] of cases) {
    it(`${seconds} → ${want}`, () => {
      assert.equal(formatModelTime(seconds), want);
    });
  }
});

describe('queryEscape (Go url.QueryEscape)', () => {
  const cases: [string, string][] = [
    ['a b', 'a+b'],
    ['sum(rate(x[1m]))', 'sum%28rate%28x%5B1m%5D%29%29'],
    ['{a="b",c!~"d.*"}', '%7Ba%3D%22b%22%2Cc%21~%22d.%2A%22%7D'],
    ["it's", 'it%27s'],
    ['-_.~', '-_.~'],
    ['é', '%C3%A9'],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => {
      assert.equal(queryEscape(input), want);
    });
  }
});

describe('encodeQuery (Go url.Values.Encode)', () => {
  it('sorts by key and keeps value order per key', () => {
    assert.equal(
      encodeQuery([
        ['time', '1'],
        ['query', 'up'],
        ['match[]', 'b'],
        ['match[]', 'a'],
      ]),
      'match%5B%5D=b&match%5B%5D=a&query=up&time=1',
    );
  });
  it('is empty without params', () => {
    assert.equal(encodeQuery([]), '');
  });
});
