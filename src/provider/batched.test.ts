import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryResult } from '../prometheus/types.ts';
import { escapeRegexValue } from '../query/matchers.ts';
import { literalAlternatives } from '../query/batchable.ts';
import { createQueryBatcher, type BatchOutcome, type BatchRequest } from './batched.ts';

/**
 * A stand-in for Prometheus (a unit test cannot run one; test/integration and the HPA bench
 * compare against a real one): each pod's value is `value(pod, atMs)`, and a query selects the
 * pods of its `pod=~"…"` / `pod="…"` matcher.
 */
const value = (pod: string, atMs: number): number => pod.length * 1000 + atMs;
/** Every pod the stand-in has series of (`pod!=""`), some never asked for. */
const EVERY_POD = ['aaa', 'bbb', 'ccc', 'ddd', 'zzz'];
const fakePrometheus = () => {
  const seen: { query: string; atMs: number }[] = [];
  let failing = false;
  const run = (query: string, atMs: number): Promise<QueryResult> => {
    seen.push({ query, atMs });
    if (failing) return Promise.reject(new Error('down'));
    const m = /pod(=~|=|!=)"([^"]*)"/.exec(query);
    const raw = (m?.[2] ?? '').replaceAll('\\\\', '\\');
    const pods =
      m?.[1] === '!=' && raw === ''
        ? EVERY_POD
        : m?.[1] === '='
          ? [raw]
          : (literalAlternatives(raw) ?? []);
    return Promise.resolve({
      type: 'vector',
      samples: pods.map((pod) => ({ labels: { pod }, value: value(pod, atMs), timestamp: atMs })),
    });
  };
  return {
    seen,
    run,
    fail: (on: boolean) => {
      failing = on;
    },
  };
};

const SEPARABLE = (names: readonly string[]) =>
  `sum(rate(x{pod=~"${names.map(escapeRegexValue).join('|')}",namespace="n"}[2m])) by (pod)`;
const NOT_SEPARABLE = (names: readonly string[]) =>
  `sum(rate(x{pod=~"${names.map(escapeRegexValue).join('|')}"}[2m]))`;

type Step = readonly [
  atMs: number,
  names: readonly string[],
  want: BatchOutcome | undefined,
  queriesSoFar: number,
];

interface Case {
  readonly name: string;
  readonly windowMs: number;
  readonly build?: (names: readonly string[]) => string;
  readonly maxRegexBytes?: number;
  readonly failing?: boolean;
  readonly steps: readonly Step[];
}

const cases: Case[] = [
  {
    name: 'off: every request its own query at its own time',
    windowMs: 0,
    steps: [
      [1000, ['a'], undefined, 1],
      [1001, ['a'], undefined, 2],
    ],
  },
  {
    name: 'first window covers only the first; the next window batches everything remembered',
    windowMs: 3000,
    steps: [
      [3000, ['a-1', 'a-2'], 'batch', 1],
      [3500, ['b-1'], 'not_covered', 2],
      [6100, ['b-1'], 'batch', 3],
      [6200, ['a-1', 'a-2'], 'joined', 3],
      [8999, ['a-1', 'a-2'], 'joined', 3],
      [9000, ['a-1', 'a-2'], 'batch', 4],
      [9001, ['b-1'], 'joined', 4],
    ],
  },
  {
    name: 'a query that does not provably group by the object label runs alone',
    windowMs: 3000,
    build: NOT_SEPARABLE,
    steps: [
      [3000, ['a'], 'not_separable', 1],
      [3001, ['a'], 'not_separable', 2],
    ],
  },
  {
    name: 'sets asked for longer ago than rememberMs (60 s) leave the batch',
    windowMs: 3000,
    steps: [
      [3000, ['old'], 'batch', 1],
      [70_000, ['new'], 'batch', 2],
      [70_001, ['old'], 'not_covered', 3],
    ],
  },
  {
    name: 'over the regex cap the batch asks for every object, covering any asked in the window',
    windowMs: 3000,
    maxRegexBytes: 8,
    steps: [
      [0, ['aaa', 'bbb'], 'batch', 1],
      [100, ['ccc'], 'not_covered', 2],
      [3000, ['aaa', 'bbb'], 'batch', 3],
      [3001, ['ccc'], 'joined', 3],
      [3002, ['ddd'], 'joined', 3],
    ],
  },
  {
    name: 'a failed batch: every request of it runs its own query',
    windowMs: 3000,
    failing: true,
    steps: [[3000, ['a'], 'batch_failed', 2]],
  },
];

describe('createQueryBatcher', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const prom = fakePrometheus();
      prom.fail(c.failing === true);
      const batcher = createQueryBatcher({
        windowMs: c.windowMs,
        ...(c.maxRegexBytes === undefined ? {} : { maxRegexBytes: c.maxRegexBytes }),
      });
      const build = c.build ?? SEPARABLE;
      for (const [atMs, names, want, queries] of c.steps) {
        const request: BatchRequest = {
          key: 'k',
          label: 'pod',
          names,
          build,
          nowMs: atMs,
          run: prom.run,
        };
        const signal = new AbortController().signal;
        const answer = await batcher.run(request, signal).catch((err: unknown) => err);
        if (c.failing === true) {
          assert.ok(answer instanceof Error, 'the own query fails too');
          assert.equal(prom.seen.length, queries, 'the batch, then its own query');
          continue;
        }
        assert.ok(!(answer instanceof Error));
        const { result, outcome } = answer as Awaited<ReturnType<typeof batcher.run>>;
        assert.equal(outcome, want, `outcome at ${String(atMs)}`);
        assert.equal(prom.seen.length, queries, `queries at ${String(atMs)}`);
        // Exactly the request's own query's samples, evaluated at the window's start if batched.
        const batched = outcome === 'batch' || outcome === 'joined';
        const at = batched ? Math.floor(atMs / c.windowMs) * c.windowMs : atMs;
        const own = await prom.run(build(names), at);
        prom.seen.pop();
        assert.deepEqual(result, own);
      }
    });
  }

  it('keys never share a batch', async () => {
    const prom = fakePrometheus();
    const batcher = createQueryBatcher({ windowMs: 3000 });
    const signal = new AbortController().signal;
    const ask = (key: string, names: string[], nowMs: number) =>
      batcher.run({ key, label: 'pod', names, build: SEPARABLE, nowMs, run: prom.run }, signal);
    await ask('ns-a', ['a'], 0);
    await ask('ns-b', ['b'], 1);
    const outcomes = [
      (await ask('ns-a', ['a'], 3000)).outcome,
      (await ask('ns-b', ['b'], 3001)).outcome,
    ];
    assert.deepEqual(outcomes, ['batch', 'batch']);
    assert.ok(prom.seen.every((s) => !s.query.includes('a|b') && !s.query.includes('b|a')));
  });
});

describe('createQueryBatcher: answers for the very same object list', () => {
  // The coalesced listing hands identical requests one names array; the provider's memos key on
  // the answer's identity, so a batch's split must be the same object for it, and new for others.
  const cases: readonly [name: string, second: (first: string[]) => string[], same: boolean][] = [
    ['the same names array: the same answer object', (first) => first, true],
    ['an equal new array: an answer of its own', (first) => [...first], false],
  ];
  for (const [name, second, same] of cases) {
    it(name, async () => {
      const prom = fakePrometheus();
      const batcher = createQueryBatcher({ windowMs: 3000 });
      const signal = new AbortController().signal;
      const ask = (names: string[], nowMs: number) =>
        batcher.run(
          { key: 'k', label: 'pod', names, build: SEPARABLE, nowMs, run: prom.run },
          signal,
        );
      const names = ['aaa', 'bbb'];
      await ask(names, 0); // remembered; the next window batches it
      const a = await ask(names, 3000);
      const b = await ask(second(names), 3001);
      assert.deepEqual([a.outcome, b.outcome], ['batch', 'joined']);
      assert.equal(a.result === b.result, same);
      assert.deepEqual(a.result, b.result);
    });
  }
});

describe('createQueryBatcher and a stalled Prometheus', () => {
  it('aborts the batch query once every request waiting on it has gone', async () => {
    const signals: AbortSignal[] = [];
    // Never answers; gives up when its signal aborts.
    const stalled = (_q: string, _at: number, signal: AbortSignal): Promise<QueryResult> => {
      signals.push(signal);
      return new Promise((_resolve, reject) => {
        if (signal.aborted) reject(new Error('aborted'));
        signal.addEventListener(
          'abort',
          () => {
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
    };
    const batcher = createQueryBatcher({ windowMs: 3000 });
    const callers = [new AbortController(), new AbortController()];
    const asks = callers.map((c) =>
      batcher
        .run(
          { key: 'k', label: 'pod', names: ['a'], build: SEPARABLE, nowMs: 3000, run: stalled },
          c.signal,
        )
        .catch((err: unknown) => err),
    );
    callers[0]?.abort();
    await Promise.resolve();
    assert.equal(signals[0]?.aborted, false, 'one request still waits');
    callers[1]?.abort();
    const outcomes = await Promise.all(asks);
    assert.equal(signals[0]?.aborted, true, 'the batch query was aborted');
    // Each then ran its own query with its own (aborted) signal, which failed at once.
    assert.ok(outcomes.every((o) => o instanceof Error));
    assert.equal(signals.length, 3);
  });
});
