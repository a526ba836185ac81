import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainFixture } from '../../test/support/explain-fixture.ts';
import type { SeriesOutcome } from '../discovery/relister.ts';
import { ruleSources } from './rule-ref.ts';
import { whyNothing } from './why-nothing.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';

describe('whyNothing: why a rule produced no metric (the health warning)', () => {
  const { state, loaded } = explainFixture();
  const sources = ruleSources(loaded);
  const rule = (path: string) => {
    const found = state.rules.find((r) => r.path === path);
    assert.ok(found, path);
    return found;
  };
  const ok = (names: readonly [string, Record<string, string>][]): SeriesOutcome => ({
    ok: true,
    series: shapesOf(names.map(([name, labels]) => ({ name, labels }))),
  });
  const cases: readonly [string, string, SeriesOutcome, readonly string[]][] = [
    [
      'the query failed',
      'rules[0]',
      { ok: false, error: 'timeout' },
      [
        'series-query-failed: seriesQuery "{__name__=~\\"^http_requests_total$\\",namespace!=\\"\\",pod!=\\"\\"}" failed: timeout',
      ],
    ],
    ['no series', 'rules[3]', ok([]), [/^no-series: .*found no series/.source]],
    [
      'every series filtered out, by which filter',
      'rules[1]',
      ok([['jobs_failed_total', { namespace: 'n', pod: 'p' }]]),
      [
        'filtered-out: 1 of 1 series shapes (name and label set) filtered out by seriesFilters[0] (isNot: "^jobs_failed_total$"), e.g. jobs_failed_total',
      ],
    ],
    [
      'name.matches matched none',
      'rules[1]',
      ok([
        ['jobs_a_count', { namespace: 'n', pod: 'p' }],
        ['jobs_b_count', { namespace: 'n', pod: 'p' }],
      ]),
      [
        'name-not-matched: 2 of 2 series shapes (name and label set) did not match name.matches "^jobs_(.*)_total$", e.g. jobs_a_count',
      ],
    ],
    [
      'no label maps to a resource',
      'rules[2]',
      ok([['node_load1', { instance: 'i' }]]),
      [
        'resource-not-mapped: 1 of 1 series shapes (name and label set) have no label mapped to a resource (labels: instance), e.g. node_load1',
      ],
    ],
  ];
  for (const [name, path, outcome, want] of cases) {
    it(name, () => {
      const got = whyNothing(rule(path), sources.sourceOf(rule(path)), outcome).map(
        (r) => `${r.code}: ${r.message}`,
      );
      assert.equal(got.length, want.length, got.join('\n'));
      got.forEach((line, i) => {
        const w = want[i] ?? '';
        if (w.startsWith('^')) assert.match(line, new RegExp(w));
        else assert.equal(line, w);
      });
    });
  }
});
