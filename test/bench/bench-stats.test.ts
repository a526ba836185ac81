import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rotation, spreadOf, summarize, type Sample } from './bench-stats.ts';

describe('spreadOf', () => {
  const cases: readonly [readonly number[], { median: number; min: number; max: number }][] = [
    [[], { median: 0, min: 0, max: 0 }],
    [[5], { median: 5, min: 5, max: 5 }],
    [[3, 1, 2], { median: 2, min: 1, max: 3 }],
    [[4, 1, 3, 2], { median: 2.5, min: 1, max: 4 }],
  ];
  for (const [values, want] of cases) {
    it(`[${values.join(',')}]`, () => {
      assert.deepEqual(spreadOf(values), want);
    });
  }
});

describe('rotation', () => {
  it('gives every item every position in turn', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => rotation(['a', 'b', 'c'], r).join('')),
      ['abc', 'bca', 'cab', 'abc'],
    );
    assert.deepEqual(rotation([], 3), []);
  });
});

describe('summarize', () => {
  const sample = (mode: string, round: number, reqPerSec: number, serverCpuUs: number): Sample => ({
    mode,
    round,
    reqPerSec,
    serverCpuUs,
    clientCpuUs: 10,
  });
  it('takes ratios within a round, so a slow round moves both modes alike', () => {
    const samples = [
      sample('base', 0, 1000, 100),
      sample('auth', 0, 900, 110),
      sample('base', 1, 500, 200),
      sample('auth', 1, 475, 200),
      sample('base', 2, 1000, 100),
      sample('auth', 2, 920, 125),
      sample('auth', 3, 1, 1),
    ];
    const [base, auth] = summarize(samples, ['base', 'auth'], 'base');
    assert.deepEqual(base?.ratio, { median: 1, min: 1, max: 1 });
    assert.deepEqual(auth?.ratio, { median: 0.92, min: 0.9, max: 0.95 });
    assert.deepEqual(auth?.cpuRatio, { median: 100 / 110, min: 0.8, max: 1 });
    assert.deepEqual(auth?.reqPerSec, { median: 687.5, min: 1, max: 920 });
  });
});
