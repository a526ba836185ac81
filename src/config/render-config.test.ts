import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load.ts';
import { renderConfigYaml } from './render-config.ts';
import { emitYamlV2, goMapKeyCompare, type YamlNode } from './yaml-v2-emit.ts';

const one = (value: YamlNode): string => emitYamlV2(new Map([['k', value]]));

describe('emitYamlV2 scalar styles (yaml.v2 choices)', () => {
  const table: readonly (readonly [string, string])[] = [
    ['plain', 'k: plain\n'],
    ['', 'k: ""\n'],
    ['true', 'k: "true"\n'],
    ['yes', 'k: "yes"\n'],
    ['5', 'k: "5"\n'],
    ['1.5', 'k: "1.5"\n'],
    ['0x1F', 'k: "0x1F"\n'],
    ['~', 'k: "~"\n'],
    ['<<', 'k: "<<"\n'],
    ['2001-12-14', 'k: "2001-12-14"\n'],
    ['5m', 'k: 5m\n'],
    ['{a="b"}', `k: '{a="b"}'\n`],
    ["it's {x}", `k: it's {x}\n`],
    ["{it's}", `k: '{it''s}'\n`],
    ['- x', "k: '- x'\n"],
    ['-x', 'k: -x\n'],
    ['a: b', "k: 'a: b'\n"],
    ['a:b', 'k: a:b\n'],
    ['a #b', "k: 'a #b'\n"],
    ['a#b', 'k: a#b\n'],
    [' lead', "k: ' lead'\n"],
    ['trail ', "k: 'trail '\n"],
    ['tab\there', 'k: "tab\\there"\n'],
    ['<<.Resource>>', 'k: <<.Resource>>\n'],
    ['^container_(.*)$', 'k: ^container_(.*)$\n'],
    ['.*_total$', 'k: .*_total$\n'],
    ['line\n', 'k: |\n  line\n'],
    ['a\nb', 'k: |-\n  a\n  b\n'],
    ['a\n\n', 'k: |+\n  a\n\n'],
    [' x\ny\n', 'k: |2\n   x\n  y\n'],
    ['trailing \nspace', 'k: "trailing \\nspace"\n'],
  ];
  for (const [value, want] of table) {
    it(`writes ${JSON.stringify(value)}`, () => {
      assert.equal(one(value), want);
    });
  }

  it('writes booleans and empty collections', () => {
    assert.equal(
      emitYamlV2(
        new Map<string, YamlNode>([
          ['a', false],
          ['b', []],
          ['c', new Map()],
        ]),
      ),
      'a: false\nb: []\nc: {}\n',
    );
    assert.equal(emitYamlV2(new Map()), '{}\n');
  });

  it('folds long plain and quoted scalars after column 80', () => {
    const words = Array.from({ length: 12 }, (_, i) => `word${i}xx`).join(' ');
    assert.equal(
      one(words),
      'k: word0xx word1xx word2xx word3xx word4xx word5xx word6xx word7xx word8xx word9xx\n  word10xx word11xx\n',
    );
    assert.equal(
      one(`{${words}}`),
      "k: '{word0xx word1xx word2xx word3xx word4xx word5xx word6xx word7xx word8xx word9xx\n  word10xx word11xx}'\n",
    );
  });

  it('nests lists under keys without indenting them, and mappings in lists inline', () => {
    const tree = new Map<string, YamlNode>([
      [
        'list',
        [
          new Map<string, YamlNode>([
            ['a', '1x'],
            ['b', ['x', ['y', 'z']]],
          ]),
          'plain',
        ],
      ],
    ]);
    assert.equal(emitYamlV2(tree), 'list:\n- a: 1x\n  b:\n  - x\n  - - "y"\n    - z\n- plain\n');
  });
});

describe('goMapKeyCompare', () => {
  it('orders keys like yaml.v2', () => {
    const sorted = (keys: string[]) => [...keys].sort(goMapKeyCompare);
    assert.deepEqual(sorted(['pod', 'instance', 'namespace']), ['instance', 'namespace', 'pod']);
    assert.deepEqual(sorted(['a10', 'a2', 'a1']), ['a1', 'a2', 'a10']);
    assert.deepEqual(sorted(['ab', 'a_b']), ['a_b', 'ab']);
    assert.deepEqual(sorted(['a', 'B']), ['B', 'a']);
    assert.deepEqual(sorted(['kube_pod', 'kube']), ['kube', 'kube_pod']);
  });
});

describe('renderConfigYaml', () => {
  it('prints an empty config as yaml.v2 does', () => {
    assert.equal(renderConfigYaml({ rules: [], externalRules: [] }), 'rules: []\n');
  });

  it('prints every optional field in struct order', () => {
    const text = renderConfigYaml({
      rules: [],
      externalRules: [
        {
          seriesQuery: 'queue_depth{queue!=""}',
          resources: {
            overrides: {
              pod: { resource: 'pod' },
              deployment: { group: 'apps', resource: 'deployments' },
            },
            namespaced: false,
          },
          name: { as: 'queue' },
        },
      ],
      resourceRules: {
        cpu: { containerQuery: 'a', nodeQuery: 'b' },
        memory: { containerQuery: 'c', nodeQuery: 'd', containerLabel: 'container' },
        window: '60s',
      },
    });
    assert.equal(
      text,
      [
        'rules: []',
        'resourceRules:',
        '  cpu:',
        '    containerQuery: a',
        '    nodeQuery: b',
        '    resources: {}',
        '    containerLabel: ""',
        '  memory:',
        '    containerQuery: c',
        '    nodeQuery: d',
        '    resources: {}',
        '    containerLabel: container',
        '  window: 1m',
        'externalRules:',
        '- seriesQuery: queue_depth{queue!=""}',
        '  seriesFilters: []',
        '  resources:',
        '    overrides:',
        '      deployment:',
        '        group: apps',
        '        resource: deployments',
        '      pod:',
        '        resource: pod',
        '    namespaced: false',
        '  name:',
        '    matches: ""',
        '    as: queue',
        '',
      ].join('\n'),
    );
  });

  it('round-trips multi-line queries as literal blocks', () => {
    const cfg = loadConfig(
      [
        'rules:',
        '- seriesQuery: |',
        '    {namespace!="",__name__!~"^container_.*"}',
        '  metricsQuery: |',
        '    sum by (<<.GroupBy>>) (',
        '      irate (',
        '        <<.Series>>{<<.LabelMatchers>>}[1m]',
        '      )',
        '    )',
        '',
      ].join('\n'),
      'c.yaml',
    );
    const text = renderConfigYaml(cfg);
    assert.match(text, /^ {2}metricsQuery: \|\n {4}sum by \(<<\.GroupBy>>\) \($/m);
    assert.deepEqual(loadConfig(text, 'again.yaml'), cfg);
  });

  it('prints an absent window as 0s', () => {
    const text = renderConfigYaml({
      rules: [],
      externalRules: [],
      resourceRules: {
        cpu: { containerQuery: 'a', nodeQuery: 'b' },
        memory: { containerQuery: 'a', nodeQuery: 'b' },
      },
    });
    assert.match(text, /\n {2}window: 0s\n$/);
  });
});
