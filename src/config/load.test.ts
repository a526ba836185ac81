import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load.ts';

/** The `config.yaml` of upstream deploy/manifests/config-map.yaml (resourceRules only). */
const DEPLOY_CONFIG = `"resourceRules":
  "cpu":
    "containerLabel": "container"
    "containerQuery": |
      sum by (<<.GroupBy>>) (
        irate (
            container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!="",pod!=""}[4m]
        )
      )
    "nodeQuery": |
      sum by (<<.GroupBy>>) (
        irate(
            node_cpu_usage_seconds_total{<<.LabelMatchers>>}[4m]
        )
      )
    "resources":
      "overrides":
        "namespace":
          "resource": "namespace"
        "node":
          "resource": "node"
        "pod":
          "resource": "pod"
  "memory":
    "containerLabel": "container"
    "containerQuery": |
      sum by (<<.GroupBy>>) (
        container_memory_working_set_bytes{<<.LabelMatchers>>,container!="",pod!=""}
      )
    "nodeQuery": |
      sum by (<<.GroupBy>>) (
        node_memory_working_set_bytes{<<.LabelMatchers>>}
      )
    "resources":
      "overrides":
        "node":
          "resource": "node"
        "namespace":
          "resource": "namespace"
        "pod":
          "resource": "pod"
  "window": "5m"
`;

/** The rules of upstream docs/walkthrough.md. */
const WALKTHROUGH_CONFIG = `"rules":
- "seriesQuery": |
     {namespace!="",__name__!~"^container_.*"}
  "resources":
    "template": "<<.Resource>>"
  "name":
    "matches": "^(.*)_total"
    "as": ""
  "metricsQuery": |
    sum by (<<.GroupBy>>) (
      irate (
        <<.Series>>{<<.LabelMatchers>>}[1m]
      )
    )
`;

const OVERRIDES = {
  namespace: { resource: 'namespace' },
  node: { resource: 'node' },
  pod: { resource: 'pod' },
};

describe('loadConfig: good documents', () => {
  it('loads the upstream deploy ConfigMap config', () => {
    const cfg = loadConfig(DEPLOY_CONFIG, 'config.yaml');
    assert.deepEqual(cfg.rules, []);
    assert.deepEqual(cfg.externalRules, []);
    assert.equal(cfg.resourceRules?.window, '5m');
    assert.equal(cfg.resourceRules.cpu.containerLabel, 'container');
    assert.equal(
      cfg.resourceRules.cpu.containerQuery,
      'sum by (<<.GroupBy>>) (\n  irate (\n      container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!="",pod!=""}[4m]\n  )\n)\n',
    );
    assert.equal(
      cfg.resourceRules.memory.nodeQuery,
      'sum by (<<.GroupBy>>) (\n  node_memory_working_set_bytes{<<.LabelMatchers>>}\n)\n',
    );
    assert.deepEqual(cfg.resourceRules.cpu.resources, { overrides: OVERRIDES });
    assert.deepEqual(cfg.resourceRules.memory.resources, { overrides: OVERRIDES });
  });

  it('loads the walkthrough config, dropping the empty `as`', () => {
    const cfg = loadConfig(WALKTHROUGH_CONFIG, 'config.yaml');
    assert.deepEqual(cfg, {
      rules: [
        {
          seriesQuery: '{namespace!="",__name__!~"^container_.*"}\n',
          resources: { template: '<<.Resource>>' },
          name: { matches: '^(.*)_total' },
          metricsQuery:
            'sum by (<<.GroupBy>>) (\n  irate (\n    <<.Series>>{<<.LabelMatchers>>}[1m]\n  )\n)\n',
        },
      ],
      externalRules: [],
    });
  });

  const empty = { rules: [], externalRules: [] };
  const table: readonly (readonly [string, string, unknown])[] = [
    ['an empty file', '', empty],
    ['only a comment', '# nothing here\n', empty],
    ['an empty mapping', '{}', empty],
    ['null sections', 'rules: ~\nexternalRules: null\nresourceRules:\n', empty],
    ['a later document (ignored, as yaml.v2 reads one)', '{}\n---\nbogus: [\n', empty],
    [
      'non-string scalars as their text',
      'rules:\n- seriesQuery: 0x10\n  metricsQuery: 1.50\n',
      { rules: [{ seriesQuery: '0x10', metricsQuery: '1.50' }], externalRules: [] },
    ],
    [
      'YAML 1.1 booleans for namespaced',
      'externalRules:\n- seriesQuery: a\n  resources: {namespaced: no}\n- seriesQuery: b\n  resources: {namespaced: On}\n',
      {
        rules: [],
        externalRules: [
          { seriesQuery: 'a', resources: { namespaced: false } },
          { seriesQuery: 'b', resources: { namespaced: true } },
        ],
      },
    ],
    [
      'anchors, aliases and merge keys',
      [
        'rules:',
        '- &base',
        '  seriesQuery: x',
        '  resources: &res {overrides: {kube_ns: {resource: namespace}}}',
        '- <<: *base',
        '  seriesFilters: [{isNot: _bucket$}]',
        '  resources: *res',
        '  name: {matches: ^(.*)_total$, as: "${1}_per_second"}',
        '',
      ].join('\n'),
      {
        rules: [
          { seriesQuery: 'x', resources: { overrides: { kube_ns: { resource: 'namespace' } } } },
          {
            seriesQuery: 'x',
            seriesFilters: [{ isNot: '_bucket$' }],
            resources: { overrides: { kube_ns: { resource: 'namespace' } } },
            name: { matches: '^(.*)_total$', as: '${1}_per_second' },
          },
        ],
        externalRules: [],
      },
    ],
    [
      'zero values left out',
      'rules:\n- seriesQuery: x\n  seriesFilters: []\n  resources: {template: "", overrides: {}}\n  name: {matches: "", as: ""}\n  metricsQuery: ""\n',
      { rules: [{ seriesQuery: 'x' }], externalRules: [] },
    ],
    [
      'an override with a group',
      'rules:\n- seriesQuery: x\n  resources: {overrides: {deployment: {group: apps, resource: deployment}}}\n',
      {
        rules: [
          {
            seriesQuery: 'x',
            resources: { overrides: { deployment: { group: 'apps', resource: 'deployment' } } },
          },
        ],
        externalRules: [],
      },
    ],
  ];
  for (const [name, text, want] of table) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(loadConfig(text, 'c.yaml'), want);
    });
  }

  it('accepts every Prometheus window form', () => {
    for (const window of ['0', '30s', '1m30s', '1d', '1w', '1y', '100ms']) {
      const text = `resourceRules:\n  cpu: {containerQuery: a, nodeQuery: b}\n  memory: {containerQuery: a, nodeQuery: b}\n  window: ${window}\n`;
      assert.equal(loadConfig(text, 'c.yaml').resourceRules?.window, window);
    }
  });

  it('deep-freezes the result', () => {
    const cfg = loadConfig(DEPLOY_CONFIG, 'c.yaml');
    assert.ok(Object.isFrozen(cfg));
    assert.ok(Object.isFrozen(cfg.rules));
    assert.ok(Object.isFrozen(cfg.resourceRules?.cpu.resources?.overrides?.pod));
  });
});
