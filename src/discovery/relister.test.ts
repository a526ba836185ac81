import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRelister } from './relister.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';
import { silentLogger } from '../log.ts';
import type { Series } from '../prometheus/types.ts';

const fakeClient = (answers: Map<string, readonly Series[] | Error>) => {
  const calls: { match: string; start: number }[] = [];
  return {
    calls,
    series: (match: string, start: number) => {
      calls.push({ match, start });
      const a = answers.get(match);
      return a instanceof Error || a === undefined
        ? Promise.reject(a ?? new Error('no answer'))
        : Promise.resolve(a);
    },
  };
};

describe('relister', () => {
  const ruleA = fakeRule({ seriesQuery: 'qa', path: 'rules[0]' });
  const ruleA2 = fakeRule({ seriesQuery: 'qa', path: 'rules[1]', strip: /^x_/ });
  const ruleB = fakeRule({ seriesQuery: 'qb', path: 'rules[2]' });

  it('makes one series call per distinct seriesQuery, from now - maxAge', async () => {
    const answers = new Map<string, readonly Series[]>([
      ['qa', [{ name: 'x_m', labels: { pod: 'p' } }]],
      ['qb', [{ name: 'b', labels: { pod: 'p' } }]],
    ]);
    const client = fakeClient(answers);
    const relister = createRelister({
      client,
      rules: () => [ruleA, ruleA2, ruleB],
      intervalMs: 1000,
      maxAgeMs: 60_000,
      concurrency: 2,
      now: () => 1_000_000,
      logger: silentLogger(),
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
    const relister = createRelister({
      client: fakeClient(answers),
      rules: () => [ruleA, ruleB],
      intervalMs: 1000,
      maxAgeMs: 1000,
      concurrency: 4,
      now: () => 5000,
      logger: silentLogger(),
    });
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

  it('run() stops when aborted', async () => {
    const controller = new AbortController();
    let runs = 0;
    const relister = createRelister({
      client: {
        series: () => {
          runs += 1;
          if (runs === 2) controller.abort();
          return Promise.resolve([]);
        },
      },
      rules: () => [ruleA],
      intervalMs: 1,
      maxAgeMs: 1,
      concurrency: 1,
      now: () => 0,
      logger: silentLogger(),
    });
    await relister.run(controller.signal);
    assert.equal(runs, 2);
  });
});
