import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from './default-config.ts';
import { loadConfig } from './load.ts';
import { renderConfigYaml } from './render-config.ts';

/** config-gen output for `--rate-interval=5m` (yaml.v2 folds lines after column 80). */
const GOLDEN_5M = `rules:
- seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
  seriesFilters: []
  resources:
    overrides:
      namespace:
        resource: namespace
      pod:
        resource: pod
  name:
    matches: ^container_(.*)_seconds_total$
    as: ""
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[5m])) by
    (<<.GroupBy>>)
- seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
  seriesFilters:
  - isNot: ^container_.*_seconds_total$
  resources:
    overrides:
      namespace:
        resource: namespace
      pod:
        resource: pod
  name:
    matches: ^container_(.*)_total$
    as: ""
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[5m])) by
    (<<.GroupBy>>)
- seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
  seriesFilters:
  - isNot: ^container_.*_total$
  resources:
    overrides:
      namespace:
        resource: namespace
      pod:
        resource: pod
  name:
    matches: ^container_(.*)$
    as: ""
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>,container!="POD"}) by (<<.GroupBy>>)
- seriesQuery: '{namespace!="",__name__!~"^container_.*"}'
  seriesFilters:
  - isNot: .*_total$
  resources:
    template: <<.Resource>>
  name:
    matches: ""
    as: ""
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
- seriesQuery: '{namespace!="",__name__!~"^container_.*"}'
  seriesFilters:
  - isNot: .*_seconds_total
  resources:
    template: <<.Resource>>
  name:
    matches: ^(.*)_total$
    as: ""
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (<<.GroupBy>>)
- seriesQuery: '{namespace!="",__name__!~"^container_.*"}'
  seriesFilters: []
  resources:
    template: <<.Resource>>
  name:
    matches: ^(.*)_seconds_total$
    as: ""
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (<<.GroupBy>>)
resourceRules:
  cpu:
    containerQuery: sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[5m]))
      by (<<.GroupBy>>)
    nodeQuery: sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>, id='/'}[5m]))
      by (<<.GroupBy>>)
    resources:
      overrides:
        instance:
          resource: node
        namespace:
          resource: namespace
        pod:
          resource: pod
    containerLabel: container
  memory:
    containerQuery: sum(container_memory_working_set_bytes{<<.LabelMatchers>>}) by
      (<<.GroupBy>>)
    nodeQuery: sum(container_memory_working_set_bytes{<<.LabelMatchers>>,id='/'})
      by (<<.GroupBy>>)
    resources:
      overrides:
        instance:
          resource: node
        namespace:
          resource: namespace
        pod:
          resource: pod
    containerLabel: container
  window: 5m
`;

describe('defaultConfig', () => {
  it('prints exactly like config-gen with the default 5m interval', () => {
    assert.equal(renderConfigYaml(defaultConfig(300_000, '')), GOLDEN_5M);
  });

  for (const [ms, rate] of [
    [300_000, '5m'],
    [30_000, '30s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
  ] as const) {
    it(`formats a ${ms}ms rate interval as [${rate}] and round-trips through loadConfig`, () => {
      const cfg = defaultConfig(ms, '');
      assert.equal(
        cfg.rules[0]?.metricsQuery,
        `sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[${rate}])) by (<<.GroupBy>>)`,
      );
      assert.equal(
        cfg.rules[4]?.metricsQuery,
        `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${rate}])) by (<<.GroupBy>>)`,
      );
      assert.equal(cfg.resourceRules?.window, rate);
      assert.deepEqual(loadConfig(renderConfigYaml(cfg), 'config-gen.yaml'), cfg);
    });
  }

  it('applies the label prefix to the non-container rules and the container label', () => {
    const cfg = defaultConfig(300_000, 'kube_');
    assert.equal(cfg.rules[3]?.seriesQuery, '{kube_namespace!="",__name__!~"^container_.*"}');
    assert.deepEqual(cfg.rules[3]?.resources, { template: 'kube_<<.Resource>>' });
    assert.equal(
      cfg.rules[0]?.seriesQuery,
      '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}',
    );
    assert.equal(cfg.resourceRules?.cpu.containerLabel, 'kube_container');
    assert.deepEqual(loadConfig(renderConfigYaml(cfg), 'c.yaml'), cfg);
  });

  it('has the six legacy rules and resource rules of spec 3.9', () => {
    const cfg = defaultConfig(60_000, '');
    assert.deepEqual(
      cfg.rules.map((r) => [r.name?.matches ?? '', r.seriesFilters?.map((f) => f.isNot) ?? []]),
      [
        ['^container_(.*)_seconds_total$', []],
        ['^container_(.*)_total$', ['^container_.*_seconds_total$']],
        ['^container_(.*)$', ['^container_.*_total$']],
        ['', ['.*_total$']],
        ['^(.*)_total$', ['.*_seconds_total']],
        ['^(.*)_seconds_total$', []],
      ],
    );
    assert.equal(
      cfg.resourceRules?.cpu.nodeQuery,
      "sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>, id='/'}[1m])) by (<<.GroupBy>>)",
    );
    assert.equal(
      cfg.resourceRules.memory.nodeQuery,
      "sum(container_memory_working_set_bytes{<<.LabelMatchers>>,id='/'}) by (<<.GroupBy>>)",
    );
    assert.deepEqual(Object.keys(cfg.resourceRules.memory.resources?.overrides ?? {}), [
      'instance',
      'namespace',
      'pod',
    ]);
    assert.ok(Object.isFrozen(cfg.rules[0]?.resources?.overrides));
  });
});
