import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  explainFixture,
  EXPLAIN_SERIES,
  vectorOf,
  NOW_MS,
  selects,
} from '../../test/support/explain-fixture.ts';
import { createRelister } from '../discovery/relister.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import { createLogger, silentLogger } from '../log.ts';
import { createCustomProvider } from '../provider/custom.ts';
import type { QueryResult } from '../prometheus/types.ts';
import { createSelfMetrics } from '../self-metrics.ts';
import { createRuleHealth } from './rule-health.ts';
import { ruleSources } from './rule-ref.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';

const signal = new AbortController().signal;

/** A real relister over the fixture's rules and a fake series client, feeding rule health. */
const setup = async () => {
  const { state, loaded } = explainFixture();
  const metrics = createSelfMetrics({ processMetrics: false });
  const logs: Record<string, unknown>[] = [];
  const sources = ruleSources(loaded);
  const health = createRuleHealth({
    sources: () => sources,
    rules: () => state.rules,
    metrics: metrics.rules,
    logger: createLogger({
      verbosity: 0,
      write: (l) => logs.push(JSON.parse(l) as Record<string, unknown>),
    }),
    now: () => NOW_MS,
  });
  const relister = createRelister({
    client: {
      series: (q) => Promise.resolve(shapesOf(EXPLAIN_SERIES.filter((x) => selects(q, x)))),
    },
    rules: () => state.rules,
    intervalMs: 1000,
    maxAgeMs: 1000,
    concurrency: 2,
    now: () => NOW_MS,
    logger: silentLogger(),
    observer: { ...metrics.relist, rules: health.relisted },
  });
  await relister.runOnce();
  const value = async (name: string, rule: string): Promise<number | undefined> => {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = (
      m?.values as
        { labels: Record<string, string>; value: number; metricName?: string }[] | undefined
    )?.find(
      (x) =>
        x.labels['rule'] === rule &&
        (x.metricName === undefined || x.metricName === name || x.metricName.endsWith('_count')),
    );
    return v?.value;
  };
  return { state, metrics, logs, health, relister, value };
};

describe('rule health after a relist', () => {
  it('counts each rule’s series and metrics, one series per rule', async () => {
    const { value, metrics } = await setup();
    assert.equal(await value('prometheus_adapter_rule_series', '0'), 1);
    assert.equal(await value('prometheus_adapter_rule_metrics', '0'), 2, 'pods and namespaces');
    assert.equal(await value('prometheus_adapter_rule_series', '1'), 3);
    assert.equal(await value('prometheus_adapter_rule_series', '3'), 0);
    assert.equal(await value('prometheus_adapter_rule_metrics', '3'), 0);
    const text = await metrics.registry.metrics();
    assert.match(text, /prometheus_adapter_rule_series\{rule="0",name="\$\{1\}_per_second"\} 1/);
    assert.match(
      text,
      /prometheus_adapter_rule_series\{rule="2",name="\{__name__=\\"node_load1\\"\}"\} 1/,
    );
    assert.equal(text.match(/^prometheus_adapter_rule_series\{/gm)?.length, 5, 'one per rule');
  });

  it('snapshots every rule with its position and warns once for each rule without metrics', async () => {
    const { health, logs } = await setup();
    const snap = health.snapshot();
    assert.equal(snap.relistedAt, NOW_MS);
    assert.deepEqual(
      snap.rules.map((r) => [r.index, r.path, r.at, r.seriesFound, r.metricsProduced]),
      [
        [0, 'rules[0]', 'config.yaml:2', 1, 2],
        [1, 'rules[1]', 'config.yaml:11', 3, 2],
        [2, 'rules[2]', 'config.yaml:19', 1, 1],
        [3, 'rules[3]', 'config.yaml:24', 0, 0],
        [4, 'externalRules[0]', 'config.yaml:29', 1, 1],
      ],
    );
    const warnings = logs.filter((l) => l['msg'] === 'warning: rule produced no metric');
    assert.deepEqual(
      warnings.map((w) => [w['path'], w['reasons']]),
      [
        [
          'rules[3]',
          [
            'no-series: seriesQuery "{__name__=\\"queue_depth\\"}" found no series in the last relist window (--metrics-max-age)',
          ],
        ],
      ],
    );
  });
});

describe('rule health of requests', () => {
  const provider = (s: Awaited<ReturnType<typeof setup>>, answer: QueryResult | Error) =>
    createCustomProvider({
      index: () => s.relister.current(),
      resources: () => s.state.resources,
      prometheus: {
        query: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
      },
      listObjectNames: () => Promise.resolve(['a', 'b', 'c']),
      now: () => NOW_MS,
      logger: silentLogger(),
      observer: s.health.observer,
    });
  const request = {
    resource: 'pods',
    metric: 'http_requests_per_second',
    namespace: 'default',
    metricSelector: parseLabelSelector(''),
    selector: parseLabelSelector(''),
  };

  it('counts the latency of a served request, objects dropped and NaN samples for its rule', async () => {
    const s = await setup();
    const answer = vectorOf([
      [{ pod: 'a' }, 1],
      [{ pod: 'b' }, NaN],
    ]);
    const got = await provider(s, answer).getBySelector(request, signal);
    assert.equal(got.length, 2);
    assert.equal(await s.value('prometheus_adapter_rule_query_duration_seconds', '0'), 1);
    assert.equal(await s.value('prometheus_adapter_rule_objects_dropped_total', '0'), 1);
    assert.equal(await s.value('prometheus_adapter_rule_nonfinite_samples_total', '0'), 1);
    assert.equal(await s.value('prometheus_adapter_rule_query_errors_total', '0'), undefined);
  });

  it('counts a failed query and shows it as the rule’s last error', async () => {
    const s = await setup();
    await assert.rejects(provider(s, new Error('boom')).getBySelector(request, signal));
    assert.equal(await s.value('prometheus_adapter_rule_query_errors_total', '0'), 1);
    assert.match(s.health.snapshot().rules[0]?.lastError ?? '', /request query failed/);
  });
});
