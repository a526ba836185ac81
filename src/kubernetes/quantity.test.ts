import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMilliQuantity, parseQuantity, quantityFromFloat } from './quantity.ts';
import type { QuantityFormat } from './quantity.ts';

describe('quantityFromFloat', () => {
  const cases: readonly [value: number, format: QuantityFormat, expected: string][] = [
    // DecimalSI (upstream-behaviour: quantity)
    [0.016, 'DecimalSI', '16m'],
    [20.5, 'DecimalSI', '20500m'],
    [1, 'DecimalSI', '1'],
    [1500, 'DecimalSI', '1500'],
    [2000, 'DecimalSI', '2k'],
    [10000, 'DecimalSI', '10k'],
    [1234, 'DecimalSI', '1234'],
    [0.0005, 'DecimalSI', '0'],
    [-0.5, 'DecimalSI', '-500m'],
    // BinarySI (upstream-behaviour: quantity)
    [500, 'BinarySI', '500'],
    [1048576, 'BinarySI', '1Mi'],
    [1048577, 'BinarySI', '1048577'],
    [3100, 'BinarySI', '3100'],
    [1048576.5, 'BinarySI', '1048576500m'],
    [0, 'BinarySI', '0'],
    // more of the same rules
    [0, 'DecimalSI', '0'],
    [-0.0001, 'DecimalSI', '0'],
    [0.001, 'DecimalSI', '1m'],
    [0.1, 'DecimalSI', '100m'],
    [0.9999, 'DecimalSI', '999m'],
    [-1.0009, 'DecimalSI', '-1'],
    [1.5e6, 'DecimalSI', '1500k'],
    [1e6, 'DecimalSI', '1M'],
    [123456789, 'DecimalSI', '123456789'],
    [9.22e15, 'DecimalSI', '9220T'],
    [1e15, 'DecimalSI', '1P'],
    [1024, 'BinarySI', '1Ki'],
    [1023.5, 'BinarySI', '1023500m'],
    [-1023, 'BinarySI', '-1023'],
    [-2048, 'BinarySI', '-2Ki'],
    [1536, 'BinarySI', '1536'],
    [2 ** 30 * 3, 'BinarySI', '3Gi'],
    [2 ** 50, 'BinarySI', '1Pi'],
    [2000, 'BinarySI', '2000'],
    // beyond upstream: no int64 overflow garbage
    [NaN, 'DecimalSI', '0'],
    [NaN, 'BinarySI', '0'],
    [Infinity, 'DecimalSI', '9223372036854775807m'],
    [-Infinity, 'DecimalSI', '-9223372036854775808m'],
    [Infinity, 'BinarySI', '9223372036854775807m'],
    // the last in-range values carry the float product's rounding, as int64(v*1000) does upstream
    [9223372036854774, 'DecimalSI', '9223372036854773760m'],
    [9223372036854776, 'DecimalSI', '9223372036854776'],
    [1e16, 'DecimalSI', '10P'],
    [1.5e20, 'DecimalSI', '150E'],
    [1e21, 'DecimalSI', '1e21'],
    [1e300, 'DecimalSI', '1e300'],
    [-1.5e300, 'BinarySI', '-1500e297'],
    [Number.MAX_VALUE, 'DecimalSI', '179769313486231570e291'],
    [2 ** 70, 'BinarySI', '1180591620717411300k'],
  ];
  for (const [value, format, expected] of cases) {
    it(`${value} ${format} → ${expected}`, () => {
      assert.equal(quantityFromFloat(value, format), expected);
    });
  }

  it('round-trips through parseQuantity to trunc(v*1000)/1000, in and out of int64 range', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const value = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 8);
      const format: QuantityFormat = i % 2 === 0 ? 'DecimalSI' : 'BinarySI';
      const milli = Math.trunc(value * 1000);
      const expected = Math.abs(milli) < 2 ** 63 ? milli / 1000 : value;
      assert.equal(parseQuantity(quantityFromFloat(value, format)), expected || 0, `${value}`);
    }
  });
});

describe('formatMilliQuantity', () => {
  it('formats exact milli-values, including the int64 extremes', () => {
    assert.equal(formatMilliQuantity(0n, 'DecimalSI'), '0');
    assert.equal(formatMilliQuantity(1000n, 'DecimalSI'), '1');
    assert.equal(formatMilliQuantity(-(2n ** 63n), 'DecimalSI'), '-9223372036854775808m');
    assert.equal(formatMilliQuantity(9000000000000000000n, 'DecimalSI'), '9P');
    assert.equal(formatMilliQuantity(2n ** 60n * 1000n, 'BinarySI'), '1Ei');
    assert.equal(formatMilliQuantity(2n ** 70n * 1000n, 'BinarySI'), '1024Ei');
    assert.equal(formatMilliQuantity(10n ** 24n, 'DecimalSI'), '1e21');
  });
});

describe('parseQuantity', () => {
  const cases: readonly [text: string, value: number][] = [
    ['500m', 0.5],
    ['-20500m', -20.5],
    ['1Ki', 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2k', 2000],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e-3', 0.001],
    ['+1E', 1e18],
    ['3n', 3e-9],
    ['7u', 7e-6],
    ['.5', 0.5],
    ['1.', 1],
    ['0', 0],
  ];
  for (const [text, value] of cases) {
    it(`${text} → ${value}`, () => {
      assert.equal(parseQuantity(text), value);
    });
  }

  for (const text of ['', '.', 'abc', '1e', '1Kb', '1ki', '1 ', ' 1', '--1', '1m1', 'Ki']) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseQuantity(text), { name: 'QuantityError' });
    });
  }
});
