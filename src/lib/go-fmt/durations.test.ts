import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DurationError,
  formatGoDuration,
  formatGoDurationNs,
  formatPromDuration,
  parseGoDuration,
  parseGoDurationNs,
  parsePromDuration,
} from './durations.ts';

const S = 1_000_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;

describe('parseGoDurationNs', () => {
  const good: readonly (readonly [string, bigint])[] = [
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['5s', 5n * S],
    ['30s', 30n * S],
    ['1478s', 1478n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['5.0s', 5n * S],
    ['5.6s', 5n * S + 600_000_000n],
    ['5.s', 5n * S],
    ['.5s', 500_000_000n],
    ['1.004s', S + 4_000_000n],
    ['100.00100s', 100n * S + 1_000_000n],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12\u00b5s', 12_000n],
    ['12\u03bcs', 12_000n],
    ['13ms', 13_000_000n],
    ['15m', 15n * MIN],
    ['16h', 16n * H],
    ['1.5h', 90n * MIN],
    ['1h30m', 90n * MIN],
    ['10.5s4m', 4n * MIN + 10n * S + 500_000_000n],
    ['-2m3.4s', -(2n * MIN + 3n * S + 400_000_000n)],
    ['1h2m3s4ms5us6ns', H + 2n * MIN + 3n * S + 4_005_006n],
    ['39h9m14.425s', 39n * H + 9n * MIN + 14n * S + 425_000_000n],
    ['0.3333333333333333333h', 20n * MIN],
    ['9007199254740993ns', 9007199254740993n],
    ['9223372036854775807ns', 9223372036854775807n],
    ['9223372036854775.807us', 9223372036854775807n],
    ['-9223372036854775808ns', -9223372036854775808n],
    ['0.100000000000000000000h', 6n * MIN],
    ['0.830103483285477580700h', 49n * MIN + 48n * S + 372_539_827n],
  ];
  for (const [input, want] of good) {
    it(`parses ${input}`, () => {
      assert.equal(parseGoDurationNs(input), want);
    });
  }

  const bad: readonly (readonly [string, string])[] = [
    ['', 'time: invalid duration ""'],
    ['10', 'time: missing unit in duration "10"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['x', 'time: invalid duration "x"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
    ['5\u00b5x', 'time: unknown unit "\\xc2\\xb5x" in duration "5\\xc2\\xb5x"'],
    ['1h-2m', 'time: unknown unit "h-" in duration "1h-2m"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
    ['9223372036854ms775us808ns', 'time: invalid duration "9223372036854ms775us808ns"'],
    ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseGoDurationNs(input), { name: 'DurationError', message });
    });
  }

  it('converts to milliseconds', () => {
    assert.equal(parseGoDuration('5m'), 300_000);
    assert.equal(parseGoDuration('1.5s'), 1_500);
    assert.equal(parseGoDuration('1us'), 0.001);
    assert.throws(() => parseGoDuration('1d'), DurationError);
  });
});

describe('formatGoDuration', () => {
  const table: readonly (readonly [bigint, string])[] = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1\u00b5s'],
    [2_200_000n, '2.2ms'],
    [500_000_000n, '500ms'],
    [1_500_000_000n, '1.5s'],
    [3_300_000_000n, '3.3s'],
    [4n * MIN + 5n * S, '4m5s'],
    [4n * MIN + 5n * S + 1_000_000n, '4m5.001s'],
    [5n * H + 6n * MIN + 7n * S + 1_000_000n, '5h6m7.001s'],
    [8n * MIN + 1n, '8m0.000000001s'],
    [H, '1h0m0s'],
    [5n * MIN, '5m0s'],
    [-90n * S, '-1m30s'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
    [-9223372036854775808n, '-2562047h47m16.854775808s'],
  ];
  for (const [ns, want] of table) {
    it(`formats ${ns}ns as ${want}`, () => {
      assert.equal(formatGoDurationNs(ns), want);
    });
  }

  it('formats milliseconds', () => {
    assert.equal(formatGoDuration(300_000), '5m0s');
    assert.equal(formatGoDuration(90_000), '1m30s');
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(3_600_000), '1h0m0s');
    assert.equal(formatGoDuration(500), '500ms');
    assert.equal(formatGoDuration(1_500), '1.5s');
  });

  it('round-trips through parseGoDuration', () => {
    for (const text of ['10m0s', '1m30s', '2h45m0.5s', '250ms', '1.5µs']) {
      assert.equal(formatGoDurationNs(parseGoDurationNs(text)), text);
    }
  });
});

describe('parsePromDuration', () => {
  const DAY = 86_400_000;
  const good: readonly (readonly [string, number, string])[] = [
    ['0', 0, '0s'],
    ['0w', 0, '0s'],
    ['0s', 0, '0s'],
    ['324ms', 324, '324ms'],
    ['3s', 3_000, '3s'],
    ['5m', 300_000, '5m'],
    ['1h', 3_600_000, '1h'],
    ['1h30m', 5_400_000, '1h30m'],
    ['1m30s', 90_000, '1m30s'],
    ['4d', 4 * DAY, '4d'],
    ['4d1h', 4 * DAY + 3_600_000, '4d1h'],
    ['14d', 14 * DAY, '2w'],
    ['3w', 21 * DAY, '3w'],
    ['3w2d1h', 23 * DAY + 3_600_000, '23d1h'],
    ['10y', 3650 * DAY, '10y'],
    ['1y1s', 365 * DAY + 1_000, '365d1s'],
  ];
  for (const [input, ms, formatted] of good) {
    it(`parses ${input}`, () => {
      assert.equal(parsePromDuration(input), ms);
      assert.equal(formatPromDuration(ms), formatted);
    });
  }

  const bad: readonly (readonly [string, string])[] = [
    ['', 'empty duration string'],
    ['1', 'not a valid duration string: "1"'],
    ['0.5m', 'unknown unit "." in duration "0.5m"'],
    ['-1m', 'not a valid duration string: "-1m"'],
    ['d', 'not a valid duration string: "d"'],
    ['1m1h', 'not a valid duration string: "1m1h"'],
    ['1h1h', 'not a valid duration string: "1h1h"'],
    ['5x', 'unknown unit "x" in duration "5x"'],
    ['1 m', 'unknown unit " m" in duration "1 m"'],
    ['300y', 'duration out of range'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parsePromDuration(input), { name: 'DurationError', message });
    });
  }
});

describe('formatPromDuration', () => {
  const table: readonly (readonly [number, string])[] = [
    [0, '0s'],
    [30_000, '30s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [300_000, '5m'],
    [86_400_000, '1d'],
    [90 * 86_400_000, '90d'],
    [1_500, '1s500ms'],
  ];
  for (const [ms, want] of table) {
    it(`formats ${ms}ms as ${want}`, () => {
      assert.equal(formatPromDuration(ms), want);
    });
  }
});
