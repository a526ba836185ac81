import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatProblem } from './config-error.ts';
import { loadConfig, loadConfigWithPositions, parentPath } from './load.ts';

/** Runs the loader and returns the formatted problems (or fails the test if it loads). */
const problemsOf = (text: string): string[] => {
  try {
    loadConfig(text, 'c.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, err.problems.map(formatProblem).join('\n'));
    return err.problems.map(formatProblem);
  }
  return assert.fail('expected a ConfigError');
};

const RESOURCE_RULE = '{containerQuery: a, nodeQuery: b}';

describe('loadConfig: bad documents', () => {
  const table: readonly (readonly [string, string, readonly string[]])[] = [
    [
      'a YAML syntax error',
      'rules:\n- seriesQuery: "unterminated\n',
      ['c.yaml:3:1: invalid YAML: Missing closing "quote'],
    ],
    [
      'tab indentation',
      'rules:\n\t- seriesQuery: x\n',
      ['c.yaml:2:1: invalid YAML: Tabs are not allowed as indentation'],
    ],
    [
      'an unknown top-level key',
      'rule:\n- seriesQuery: x\n',
      ['c.yaml:1:1: rule: field rule not found in type config.MetricsDiscoveryConfig'],
    ],
    [
      'an unknown rule key',
      'rules:\n- seriesQuery: x\n  metricQuery: y\n',
      [
        'c.yaml:3:3: rules[0].metricQuery: field metricQuery not found in type config.DiscoveryRule',
      ],
    ],
    [
      'an unknown key in name',
      'rules:\n- seriesQuery: x\n  name:\n    matches: a\n    As: b\n',
      ['c.yaml:5:5: rules[0].name.As: field As not found in type config.NameMapping'],
    ],
    [
      'a duplicate key',
      'rules:\n- seriesQuery: x\n  seriesQuery: y\n',
      [
        'c.yaml:3:3: rules[0].seriesQuery: field seriesQuery already set in type config.DiscoveryRule',
      ],
    ],
    [
      'a duplicate override label',
      'rules:\n- seriesQuery: x\n  resources:\n    overrides:\n      pod: {resource: pod}\n      pod: {resource: pods}\n',
      ['c.yaml:6:7: rules[0].resources.overrides.pod: key "pod" already set in map'],
    ],
    [
      'an unquoted selector (a flow mapping)',
      'rules:\n- seriesQuery: {__name__=~"x"}\n',
      [
        'c.yaml:2:16: rules[0].seriesQuery: expected a string, got a mapping (quote values that begin with "{", e.g. \'{a="b"}\')',
      ],
    ],
    [
      'a list where a string belongs',
      'rules:\n- seriesQuery: x\n  metricsQuery: [a]\n',
      ['c.yaml:3:17: rules[0].metricsQuery: expected a string, got a sequence'],
    ],
    [
      'a string where the rule list belongs',
      'rules: everything\n',
      ['c.yaml:1:8: rules: expected a sequence, got "everything"'],
    ],
    [
      'a list where a rule belongs',
      'externalRules:\n- [seriesQuery, x]\n',
      ['c.yaml:2:3: externalRules[0]: expected a mapping, got a sequence'],
    ],
    [
      'a non-boolean namespaced',
      'externalRules:\n- seriesQuery: x\n  resources:\n    namespaced: "false"\n',
      [
        'c.yaml:4:17: externalRules[0].resources.namespaced: expected a boolean (true or false), got "false"',
      ],
    ],
    [
      'a missing seriesQuery',
      'rules:\n- metricsQuery: x\n',
      ['c.yaml:2:3: rules[0].seriesQuery: required field is missing'],
    ],
    [
      'an empty seriesQuery',
      'rules:\n- seriesQuery: ""\n',
      ['c.yaml:2:16: rules[0].seriesQuery: must not be empty'],
    ],
    [
      'a null rule',
      'rules:\n-\n- seriesQuery: x\n',
      ['c.yaml:2:2: rules[0].seriesQuery: required field is missing'],
    ],
    [
      'an override without a resource',
      'rules:\n- seriesQuery: x\n  resources: {overrides: {pod: {group: ""}}}\n',
      ['c.yaml:3:32: rules[0].resources.overrides.pod.resource: required field is missing'],
    ],
    [
      'a filter with both is and isNot',
      'rules:\n- seriesQuery: x\n  seriesFilters:\n  - is: a\n    isNot: b\n',
      [
        'c.yaml:4:5: rules[0].seriesFilters[0]: cannot have both an `is` ("a") and `isNot` ("b") expression in a single filter',
      ],
    ],
    [
      'a filter with neither',
      'rules:\n- seriesQuery: x\n  seriesFilters: [{is: ""}]\n',
      [
        'c.yaml:3:19: rules[0].seriesFilters[0]: must have either an `is` or `isNot` expression in a filter',
      ],
    ],
    [
      'resourceRules without memory',
      `resourceRules:\n  cpu: ${RESOURCE_RULE}\n`,
      ['c.yaml:2:3: resourceRules.memory: required field is missing'],
    ],
    [
      'a bad window',
      `resourceRules:\n  cpu: ${RESOURCE_RULE}\n  memory: ${RESOURCE_RULE}\n  window: 1.5m\n`,
      [
        'c.yaml:4:11: resourceRules.window: invalid Prometheus duration: unknown unit "." in duration "1.5m"',
      ],
    ],
    [
      'window units out of order',
      `resourceRules:\n  cpu: ${RESOURCE_RULE}\n  memory: ${RESOURCE_RULE}\n  window: 30s1m\n`,
      [
        'c.yaml:4:11: resourceRules.window: invalid Prometheus duration: not a valid duration string: "30s1m"',
      ],
    ],
    [
      'a root that is not a mapping',
      '- seriesQuery: x\n',
      ['c.yaml:1:1: expected a mapping, got a sequence'],
    ],
    [
      'a bad merge value',
      'rules:\n- <<: 5\n  seriesQuery: x\n',
      ['c.yaml:2:7: rules[0]: map merge requires map or sequence of maps as the value'],
    ],
  ];
  for (const [name, text, want] of table) {
    it(`reports ${name}`, () => {
      assert.deepEqual(problemsOf(text), want);
    });
  }

  it('loads a resource rule without queries, as upstream (rules/ warns about it)', () => {
    const text = `resourceRules:\n  cpu:\n    containerLabel: container\n  memory: ${RESOURCE_RULE}\n`;
    const cpu = loadConfigWithPositions(text, 'c.yaml').config.resourceRules?.cpu;
    assert.deepEqual(cpu, { containerQuery: '', nodeQuery: '', containerLabel: 'container' });
  });

  it('lenient loading returns the rules that decoded, with their paths and the problems', () => {
    const text =
      'rules:\n- seriesQuery: {a: b}\n- seriesQuery: ok\n  bogus: 1\n- seriesQuery: fine\n';
    const loaded = loadConfigWithPositions(text, 'c.yaml', { lenient: true });
    assert.deepEqual(
      loaded.config.rules.map((r) => [loaded.pathOf(r), r.seriesQuery]),
      [
        ['rules[1]', 'ok'],
        ['rules[2]', 'fine'],
      ],
    );
    assert.deepEqual(
      loaded.problems.map((p) => `${p.line}:${p.col}: ${p.path}`),
      ['2:16: rules[0].seriesQuery', '4:3: rules[1].bogus'],
    );
  });

  it('reports every problem at once, in document order', () => {
    const text = [
      'rules:', //                                   1
      '- seriesQuery: {a: b}', //                    2
      '  name: {matches: x, as: y, extra: 1}', //    3
      '- metricsQuery: q', //                        4
      'externalRules:', //                           5
      '- seriesQuery: ok', //                        6
      '  resources: {namespaced: perhaps}', //       7
      'resourceRules:', //                           8
      `  cpu: ${RESOURCE_RULE}`, //                  9
      `  memory: ${RESOURCE_RULE}`, //               10
      '  window: 5 minutes', //                      11
      'bogus: true', //                              12
      '',
    ].join('\n');
    assert.deepEqual(problemsOf(text), [
      'c.yaml:2:16: rules[0].seriesQuery: expected a string, got a mapping (quote values that begin with "{", e.g. \'{a="b"}\')',
      'c.yaml:3:29: rules[0].name.extra: field extra not found in type config.NameMapping',
      'c.yaml:4:3: rules[1].seriesQuery: required field is missing',
      'c.yaml:7:27: externalRules[0].resources.namespaced: expected a boolean (true or false), got "perhaps"',
      'c.yaml:11:11: resourceRules.window: invalid Prometheus duration: unknown unit " minutes" in duration "5 minutes"',
      'c.yaml:12:1: bogus: field bogus not found in type config.MetricsDiscoveryConfig',
    ]);
  });

  it('carries structured problems', () => {
    assert.throws(
      () => loadConfig('rules:\n- seriesQuery: x\n  foo: 1\n', '/etc/adapter/config.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.name, 'ConfigError');
        assert.deepEqual(err.problems, [
          {
            file: '/etc/adapter/config.yaml',
            line: 3,
            col: 3,
            path: 'rules[0].foo',
            message: 'field foo not found in type config.DiscoveryRule',
          },
        ]);
        return true;
      },
    );
  });
});

describe('loadConfigWithPositions', () => {
  const text = [
    'rules:',
    '- seriesQuery: x',
    '  name:',
    '    matches: ^(.*)_(.*)$',
    '  resources:',
    '    overrides:',
    '      "kube.ns": {resource: namespace}',
    '',
  ].join('\n');

  it('locates written paths, falling back to the nearest ancestor', () => {
    const { locate } = loadConfigWithPositions(text, 'c.yaml');
    assert.deepEqual(locate('rules[0]'), { line: 2, col: 3 });
    assert.deepEqual(locate('rules[0].name.matches'), { line: 4, col: 14 });
    assert.deepEqual(locate('rules[0].name.as'), { line: 4, col: 5 });
    assert.deepEqual(locate('rules[0].resources.overrides["kube.ns"]'), { line: 7, col: 18 });
    assert.deepEqual(locate('rules[0].resources.overrides["kube.ns"].group'), { line: 7, col: 18 });
    assert.deepEqual(locate('externalRules[2]'), { line: 1, col: 1 });
  });

  it('builds positioned problems for later checks', () => {
    const { problemAt } = loadConfigWithPositions(text, 'c.yaml');
    const problem = problemAt('rules[0].name.matches', "must specify an 'as' value");
    assert.equal(
      formatProblem(problem),
      "c.yaml:4:14: rules[0].name.matches: must specify an 'as' value",
    );
    assert.equal(new ConfigError([problem]).message, formatProblem(problem));
  });

  it('splits paths', () => {
    assert.equal(parentPath('rules[3].name.as'), 'rules[3].name');
    assert.equal(parentPath('rules[3].name'), 'rules[3]');
    assert.equal(parentPath('rules[3]'), 'rules');
    assert.equal(parentPath('a.overrides["x.y"]'), 'a.overrides');
    assert.equal(parentPath('rules'), '');
  });
});
