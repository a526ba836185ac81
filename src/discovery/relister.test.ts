import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRelister, type RelisterOptions } from './relister.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';
import { createLogger, silentLogger } from '../log.ts';
import { pollUntil } from '../../test/support/poll.ts';
import type { Series, SeriesSet } from '../prometheus/types.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';

const fakeClient = (answers: Map<string, readonly Series[] | Error>) => {
  const calls: { match: string; start: number }[] = [];
  return {
    calls,
    series: (match: string, start: number) => {
      calls.push({ match, start });
      const a = answers.get(match);
      return a instanceof Error || a === undefined
        ? Promise.reject(a ?? new Error('no answer'))
        : Promise.resolve(shapesOf(a));
    },
  };
};

describe('relister', () => {
  const ruleA = fakeRule({ seriesQuery: 'qa', path: 'rules[0]' });
  const ruleA2 = fakeRule({ seriesQuery: 'qa', path: 'rules[1]', strip: /^x_/ });
  const ruleB = fakeRule({ seriesQuery: 'qb', path: 'rules[2]' });
  /** A relister of rules A and B, every second, looking a second back, two calls at a time. */
  const relisterWith = (options: Partial<RelisterOptions> & Pick<RelisterOptions, 'client'>) =>
    createRelister({
      rules: () => [ruleA, ruleB],
      intervalMs: 1000,
      maxAgeMs: 1000,
      concurrency: 2,
      now: () => 1000,
      logger: silentLogger(),
      ...options,
    });

  it('makes one series call per distinct seriesQuery, from now - maxAge', async () => {
    const answers = new Map<string, readonly Series[]>([
      ['qa', [{ name: 'x_m', labels: { pod: 'p' } }]],
      ['qb', [{ name: 'b', labels: { pod: 'p' } }]],
    ]);
    const client = fakeClient(answers);
    const relister = relisterWith({
      client,
      rules: () => [ruleA, ruleA2, ruleB],
      maxAgeMs: 60_000,
      now: () => 1_000_000,
    });
    const index = await relister.runOnce();
    assert.deepEqual(client.calls.map((c) => c.match).sort(), ['qa', 'qb']);
    assert.ok(client.calls.every((c) => c.start === 940));
    assert.deepEqual(
      index
        .listCustom()
        .map((e) => e.metric)
        .sort(),
      ['b', 'm', 'x_m'],
    );
  });

  it('a failing query keeps only its own rules at their last good entries', async () => {
    const answers = new Map<string, readonly Series[] | Error>([
      ['qa', [{ name: 'a1', labels: { pod: 'p' } }]],
      ['qb', [{ name: 'b1', labels: { pod: 'p' } }]],
    ]);
    const relister = relisterWith({ client: fakeClient(answers), concurrency: 4, now: () => 5000 });
    await relister.runOnce();
    answers.set('qa', new Error('boom'));
    answers.set('qb', [{ name: 'b2', labels: { pod: 'p' } }]);
    const index = await relister.runOnce();
    assert.deepEqual(
      index.listCustom().map((e) => e.metric),
      ['a1', 'b2'],
    );
    assert.deepEqual(relister.status().failing, ['qa']);
  });

  it('counts a relist as successful only when some series call answered', async () => {
    const answers = new Map<string, readonly Series[] | Error>([
      ['qa', new Error('connection refused')],
      ['qb', new Error('503')],
    ]);
    let now = 1000;
    const relister = relisterWith({ client: fakeClient(answers), now: () => now });
    await relister.runOnce();
    assert.deepEqual(
      { ...relister.status() },
      {
        lastRunAt: 1000,
        lastSuccessAt: 0,
        failing: ['qa', 'qb'],
        queries: 2,
        lastError: 'connection refused',
      },
    );
    answers.set('qb', [{ name: 'b1', labels: { pod: 'p' } }]);
    now = 2000;
    await relister.runOnce();
    assert.equal(relister.status().lastSuccessAt, 2000);
    answers.set('qb', new Error('503'));
    now = 3000;
    await relister.runOnce();
    assert.equal(relister.status().lastSuccessAt, 2000, 'a later failure keeps the last success');
    assert.equal(relister.status().lastRunAt, 3000);
  });

  it('logs the progress of a slow relist until it ends', async () => {
    const lines: string[] = [];
    let release: (s: SeriesSet) => void = () => undefined;
    const slow = new Promise<SeriesSet>((resolve) => (release = resolve));
    const relister = relisterWith({
      client: {
        series: (match: string) => (match === 'qa' ? slow : Promise.resolve(shapesOf([]))),
      },
      logger: createLogger({ verbosity: 0, write: (line) => lines.push(line) }),
      progressEveryMs: 10,
    });
    const run = relister.runOnce();
    while (!lines.some((l) => l.includes('relist still running'))) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const entry = JSON.parse(lines.find((l) => l.includes('relist still running')) ?? '{}') as {
      done?: number;
      pending?: string[];
    };
    assert.deepEqual([entry.done, entry.pending], [1, ['qa']]);
    release(shapesOf([]));
    await run;
    const after = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(lines.length, after, 'no progress lines once the relist is over');
  });

  it('run() stops when aborted', async () => {
    const controller = new AbortController();
    let runs = 0;
    const relister = relisterWith({
      client: {
        series: () => {
          runs += 1;
          if (runs === 2) controller.abort();
          return Promise.resolve(shapesOf([]));
        },
      },
      rules: () => [ruleA],
      intervalMs: 1,
      maxAgeMs: 1,
      concurrency: 1,
      now: () => 0,
    });
    await relister.run(controller.signal);
    assert.equal(runs, 2);
  });

  for (const when of ['waiting', 'running'] as const) {
    it(`trigger() while ${when}: the next run follows at once, not an hour later`, async () => {
      const controller = new AbortController();
      let runs = 0;
      const relister = relisterWith({
        intervalMs: 3_600_000,
        client: {
          series: () => {
            runs++;
            if (runs === 1 && when === 'running') relister.trigger();
            if (runs === 2) controller.abort();
            return Promise.resolve(shapesOf([]));
          },
        },
        rules: () => [ruleA],
      });
      const running = relister.run(controller.signal);
      if (when === 'waiting') {
        const finished = await pollUntil(
          () => Promise.resolve(relister.status().lastRunAt),
          (at) => at > 0,
          { timeoutMs: 5000, intervalMs: 5 },
        );
        assert.ok(finished.ok, 'the first run finished and the loop waits');
        relister.trigger();
      }
      await running;
      assert.equal(runs, 2);
    });
  }

  it('a failing query keeps last entries only for the same rule, not for a reloaded other one', async () => {
    const answers = new Map<string, readonly Series[] | Error>([
      ['qa', [{ name: 'a1', labels: { pod: 'p' } }]],
    ]);
    let rules = [ruleA];
    const relister = relisterWith({ client: fakeClient(answers), rules: () => rules });
    await relister.runOnce();
    answers.set('qa', new Error('boom'));
    rules = [fakeRule({ seriesQuery: 'qa', path: 'rules[0]' })];
    assert.deepEqual(
      (await relister.runOnce()).listCustom().map((e) => e.metric),
      ['a1'],
      'the same rule recompiled keeps its entries',
    );
    answers.set('qc', new Error('boom'));
    rules = [fakeRule({ seriesQuery: 'qc', path: 'rules[0]' })];
    assert.deepEqual(
      (await relister.runOnce()).listCustom().map((e) => e.metric),
      [],
      'another rule in the same place does not inherit them',
    );
  });
});
