import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigWithPositions } from '../config/load.ts';
import { buildIndex, contributionOf } from '../discovery/metric-index.ts';
import type { RelistStatus } from '../discovery/relister.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileState } from '../rules/rules-state.ts';
import { createLiveState } from './live-state.ts';
import { createRuleHealth } from '../explain/rule-health.ts';
import { ruleSources } from '../explain/rule-ref.ts';
import { silentLogger } from '../log.ts';
import { createSelfMetrics } from '../self-metrics.ts';
import { gatherStatus } from './status-source.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';

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
  const series = (name: string) => shapesOf([{ name, labels: { pod: 'p', namespace: 'n' } }]);
  const [a, b, c, d] = state.rules;
  const index = buildIndex(
    [
      contributionOf(a!, series('a')),
      contributionOf(b!, shapesOf([])),
      contributionOf(c!, series('c')),
    ],
    5,
  );
  // Rule health as the relister feeds it after a run: a, b, c answered, d failed, e not yet run.
  const health = createRuleHealth({
    sources: () => ruleSources(loaded),
    rules: () => state.rules,
    metrics: createSelfMetrics({ processMetrics: false }).rules,
    logger: silentLogger(),
    now: () => 5,
  });
  health.relisted([
    {
      rule: a!,
      outcome: { ok: true, series: series('a') },
      contribution: contributionOf(a!, series('a')),
    },
    {
      rule: b!,
      outcome: { ok: true, series: shapesOf([]) },
      contribution: contributionOf(b!, shapesOf([])),
    },
    {
      rule: c!,
      outcome: { ok: true, series: series('c') },
      contribution: contributionOf(c!, series('c')),
    },
    {
      rule: d!,
      outcome: { ok: false, error: 'bad_data: parse error' },
      contribution: contributionOf(d!, shapesOf([])),
    },
  ]);
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
    rules: () => health.snapshot(),
    lastReload: () => undefined,
    health: {
      readyChecks: () => ({ 'metrics-relist': undefined, shutdown: 'going' }),
      liveChecks: () => ({}),
    },
    defaultUrl: 'http://user:secret@prometheus:9090/',
    backends: [{ name: 'thanos', urls: ['http://q-0:9090', 'http://q-1:9090', 'http://q-2:9090'] }],
    urlUp: (backend, url) =>
      backend !== 'thanos'
        ? undefined
        : ({ 'http://q-0:9090': false, 'http://q-1:9090': true } as Record<string, boolean>)[url],
    source: '/etc/adapter/config.yaml',
    version: 'v1',
    now: () => 9,
  });

  // Metrics produced count (resource, metric) pairs: `a` is served for pods and namespaces.
  const cases: readonly [number, string, number | undefined, number, string | undefined][] = [
    [0, '/etc/adapter/config.yaml:2', 1, 2, undefined],
    [
      1,
      '/etc/adapter/config.yaml:5',
      0,
      0,
      'seriesQuery "b{pod!=\\"\\"}" found no series in the last relist window (--metrics-max-age)',
    ],
    [
      2,
      '/etc/adapter/config.yaml:8',
      1,
      0,
      '1 of 1 series shapes (name and label set) did not match name.matches "^nomatch$", e.g. c',
    ],
    [3, '/etc/adapter/config.yaml:12', 0, 0, 'bad_data: parse error'],
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
    assert.deepEqual(snapshot.backends[0], {
      backend: 'default',
      url: 'http://redacted@prometheus:9090/',
      healthy: false,
      detail: '1 of 5 series queries failing: bad_data: parse error',
    });
  });

  const urls: readonly [string, boolean, string][] = [
    ['http://q-0:9090', false, 'last request failed'],
    ['http://q-1:9090', true, 'answering'],
    ['http://q-2:9090', true, 'not asked yet'],
  ];
  for (const [url, healthy, detail] of urls) {
    it(`a config backend's URL as failover last saw it: ${url} ${detail}`, () => {
      const view = snapshot.backends.find((b) => b.url.startsWith(url));
      assert.equal(view?.backend, 'thanos');
      assert.equal(view.healthy, healthy);
      assert.ok(view.detail.startsWith(detail), view.detail);
    });
  }

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
