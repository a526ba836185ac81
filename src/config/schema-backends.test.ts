import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatProblem } from './config-error.ts';
import { loadConfig } from './load.ts';

const problemsOf = (text: string): string[] => {
  try {
    loadConfig(text, 'c.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map(formatProblem);
  }
  return assert.fail('expected a ConfigError');
};

describe('backends: valid configs', () => {
  it('decodes every field and the rule backend', () => {
    const config = loadConfig(
      [
        'backends:',
        '- name: thanos',
        '  urls: [http://a:9090, "https://b:9090/prefix"]',
        '  verb: POST',
        '  dialect: metricsql',
        '  tokenFile: /t',
        '  basicAuthFile: /b',
        '  caFile: /ca',
        '  clientCertFile: /c',
        '  clientKeyFile: /k',
        '  headers: {X-A: "1"}',
        '  tenant: {header: X-Scope-OrgID, template: "team-<<.Namespace>>"}',
        '  namespaceTenants: {kube-system: infra}',
        '  defaultTenant: ops',
        '  tenants: [ops, team-a]',
        'rules:',
        '- seriesQuery: x',
        '  backend: thanos',
        '- seriesQuery: y',
        'externalRules:',
        '- seriesQuery: z',
        '  backend: default',
      ].join('\n'),
      'c.yaml',
    );
    assert.deepEqual(config.backends, [
      {
        name: 'thanos',
        urls: ['http://a:9090', 'https://b:9090/prefix'],
        verb: 'POST',
        dialect: 'metricsql',
        tokenFile: '/t',
        basicAuthFile: '/b',
        caFile: '/ca',
        clientCertFile: '/c',
        clientKeyFile: '/k',
        headers: { 'X-A': '1' },
        tenant: { header: 'X-Scope-OrgID', template: 'team-<<.Namespace>>' },
        namespaceTenants: { 'kube-system': 'infra' },
        defaultTenant: 'ops',
        tenants: ['ops', 'team-a'],
      },
    ]);
    assert.equal(config.rules[0]?.backend, 'thanos');
    assert.equal(config.rules[1]?.backend, undefined);
    assert.equal(config.externalRules[0]?.backend, 'default');
  });

  it('decodes a backend on resourceRules.cpu and .memory', () => {
    const config = loadConfig(
      [
        'backends:',
        '- {name: vm, urls: [http://vm:8428]}',
        'resourceRules:',
        '  cpu: {containerQuery: a, nodeQuery: b, backend: vm}',
        '  memory: {containerQuery: c, nodeQuery: d}',
      ].join('\n'),
      'c.yaml',
    );
    assert.equal(config.resourceRules?.cpu.backend, 'vm');
    assert.equal(config.resourceRules?.memory.backend, undefined);
  });

  it('leaves configs without backends unchanged', () => {
    const config = loadConfig('rules:\n- seriesQuery: x\n', 'c.yaml');
    assert.equal(config.backends, undefined);
    assert.deepEqual(config.rules, [{ seriesQuery: 'x' }]);
  });
});

describe('backends: positioned errors, all at once', () => {
  const table: readonly (readonly [string, string, readonly string[]])[] = [
    [
      'unknown field, bad verb, bad dialect, bad URL',
      'backends:\n- name: a\n  urls: [ftp://x, ""]\n  verb: PUT\n  dialect: sql\n  url: x\n',
      [
        'c.yaml:3:10: backends[0].urls[0]: not an http(s) URL: "ftp://x"',
        'c.yaml:3:19: backends[0].urls[1]: must not be empty',
        'c.yaml:4:9: backends[0].verb: must be one of GET, POST, not "PUT"',
        'c.yaml:5:12: backends[0].dialect: must be one of promql, metricsql, not "sql"',
        'c.yaml:6:3: backends[0].url: field url not found in type config.Backend',
      ],
    ],
    [
      'missing name and urls',
      'backends:\n- verb: GET\n',
      [
        'c.yaml:2:3: backends[0].name: required field is missing',
        'c.yaml:2:3: backends[0].urls: required field is missing',
      ],
    ],
    [
      'duplicate and reserved names, an unknown rule backend',
      'backends:\n- {name: a, urls: [http://x]}\n- {name: a, urls: [http://y]}\n- {name: default, urls: [http://z]}\nrules:\n- seriesQuery: x\n  backend: b\n',
      [
        'c.yaml:3:10: backends[1].name: duplicate backend name "a"',
        'c.yaml:4:10: backends[2].name: "default" is the backend the --prometheus-* flags define',
        'c.yaml:7:12: rules[0].backend: unknown backend "b" (known: "default", "a")',
      ],
    ],
    [
      'unknown resourceRules backends',
      'backends:\n- {name: a, urls: [http://x]}\nresourceRules:\n  cpu: {containerQuery: x, nodeQuery: y, backend: b}\n  memory:\n    containerQuery: x\n    backend: c\n',
      [
        'c.yaml:4:51: resourceRules.cpu.backend: unknown backend "b" (known: "default", "a")',
        'c.yaml:7:14: resourceRules.memory.backend: unknown backend "c" (known: "default", "a")',
      ],
    ],
    [
      'a tenant without header, a half mTLS pair, a bad name',
      'backends:\n- name: A_b\n  urls: [http://x]\n  tenant: {template: x}\n  clientCertFile: /c\n',
      [
        'c.yaml:2:9: backends[0].name: must be a lowercase DNS label ([a-z0-9-])',
        'c.yaml:4:11: backends[0].tenant.header: required field is missing',
        'c.yaml:5:19: backends[0].clientCertFile: clientCertFile and clientKeyFile go together',
      ],
    ],
    [
      'a tenant template that does not parse or names an unknown field',
      'backends:\n- {name: a, urls: [http://x], tenant: {header: X, template: "<<.Nope>>"}}\n- {name: b, urls: [http://x], tenant: {header: X, template: "<<.Namespace"}}\n',
      [
        "c.yaml:2:61: backends[0].tenant.template: template: backends[0].tenant.template:1:2: at <.Nope>: can't evaluate field Nope in type struct (fields: Namespace)",
        'c.yaml:3:61: backends[1].tenant.template: template: backends[1].tenant.template:1: unclosed action',
      ],
    ],
  ];
  for (const [name, text, expected] of table) {
    it(name, () => {
      assert.deepEqual(problemsOf(text), expected);
    });
  }
});
