import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigWithPositions } from '../config/load.ts';
import { buildIndex, contributionOf } from '../discovery/metric-index.ts';
import type { RelistStatus } from '../discovery/relister.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileState } from '../rules/rules-state.ts';
import { createLiveState } from './live-state.ts';
import type { QueryOutcome } from './relist-observations.ts';
import { gatherStatus } from './status-source.ts';

const CONFIG = `rules:
- seriesQuery: 'a{pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: x
- seriesQuery: 'b{pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: x
- seriesQuery: 'c{pod!=""}'
  resources: {template: <<.Resource>>}
  name: {matches: ^nomatch$}
  metricsQuery: x
- seriesQuery: 'd{pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: x
- seriesQuery: 'e{pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: x
`;

describe('gatherStatus', () => {
  const loaded = loadConfigWithPositions(CONFIG, '/etc/adapter/config.yaml');
  const state = compileState(loaded, builtinResourceMap());
  const live = createLiveState(
    { loaded, state },
    () => ({
      app: { handle: () => Promise.reject(new Error('unused')) },
      apis: ['custom.metrics.k8s.io'],
    }),
    () => 1,
  );
  const series = (name: string) => [{ name, labels: { pod: 'p', namespace: 'n' } }];
  const [a, b, c] = state.rules;
  const index = buildIndex(
    [contributionOf(a!, series('a')), contributionOf(b!, []), contributionOf(c!, series('c'))],
    5,
  );
  const outcomes: Record<string, QueryOutcome> = {
    'a{pod!=""}': { ok: true, series: 1, at: 5 },
    'b{pod!=""}': { ok: true, series: 0, at: 5 },
    'c{pod!=""}': { ok: true, series: 1, at: 5 },
    'd{pod!=""}': { ok: false, error: 'bad_data: parse error', at: 5 },
  };
  const relist: RelistStatus = {
    lastRunAt: 5,
    lastSuccessAt: 5,
    failing: ['d{pod!=""}'],
    queries: 5,
    lastError: 'bad_data: parse error',
  };
  const snapshot = gatherStatus({
    live: () => live.current(),
    index: () => index,
    relist: () => relist,
    outcome: (q) => outcomes[q],
    lastReload: () => undefined,
    health: {
      readyChecks: () => ({ 'metrics-relist': undefined, shutdown: 'going' }),
      liveChecks: () => ({}),
    },
    backends: ['http://user:secret@prometheus:9090/'],
    source: '/etc/adapter/config.yaml',
    version: 'v1',
    now: () => 9,
  });

  const cases: readonly [number, string, number | undefined, number, string | undefined][] = [
    [0, '/etc/adapter/config.yaml:2', 1, 1, undefined],
    [1, '/etc/adapter/config.yaml:5', 0, 0, 'the series query found no series'],
    [
      2,
      '/etc/adapter/config.yaml:8',
      1,
      0,
      '1 series found but none became a metric (check name.matches, seriesFilters and resources)',
    ],
    [3, '/etc/adapter/config.yaml:12', undefined, 0, 'series query failed: bad_data: parse error'],
    [4, '/etc/adapter/config.yaml:15', undefined, 0, undefined],
  ];
  for (const [i, location, found, produced, error] of cases) {
    it(`rule ${i}: ${error ?? 'fine (or not relisted yet)'}`, () => {
      const rule = snapshot.rules[i];
      assert.equal(rule?.name, `rules[${i}]`);
      assert.equal(rule.location, location);
      assert.equal(rule.seriesFound, found);
      assert.equal(rule.metricsProduced, produced);
      assert.equal(rule.error, error);
    });
  }

  it('backend credentials are not shown; a failing query makes the backend unhealthy', () => {
    assert.deepEqual(snapshot.backends, [
      {
        url: 'http://redacted@prometheus:9090/',
        healthy: false,
        detail: '1 of 5 series queries failing: bad_data: parse error',
      },
    ]);
  });

  it('readiness, counts and APIs', () => {
    assert.deepEqual(snapshot.readiness, [
      { name: 'metrics-relist', ok: true },
      { name: 'shutdown', ok: false, reason: 'going' },
    ]);
    assert.deepEqual(snapshot.counts, { series: 2, customMetrics: 2, externalMetrics: 0 });
    assert.deepEqual(snapshot.apis, ['custom.metrics.k8s.io']);
    assert.equal(snapshot.config.generation, 1);
  });
});
