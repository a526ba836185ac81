/**
 * The folder fences of eslint.boundaries.js (the same rules `npm test` lints with) refuse what
 * they promise to refuse and let the data flow through. Each case lints one import line as if it
 * stood in the named file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '../support/repo-root.ts';

const { boundaries } = (await import(
  pathToFileURL(join(REPO_ROOT, 'eslint.boundaries.js')).href
)) as { boundaries: Linter.Config[] };

const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...boundaries,
  ],
});

const restricted = async (file: string, specifier: string): Promise<boolean> => {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport { x };\n`, {
    filePath: join(REPO_ROOT, file),
  });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
};

describe('folder fences', () => {
  const cases: readonly [string, string, string, boolean][] = [
    ['api/ knows nothing of Prometheus', 'src/api/x.ts', '../prometheus/client.ts', true],
    ['api/ may not reach the query builders', 'src/api/x.ts', '../query/build.ts', true],
    ['serve/ never knows where metrics come from', 'src/serve/x.ts', '../provider/custom.ts', true],
    ['naming/ is pure', 'src/naming/x.ts', '../prometheus/types.ts', true],
    ['config/ comes first', 'src/config/x.ts', '../kubernetes/client.ts', true],
    ['status/ is pure rendering', 'src/status/x.ts', '../discovery/relister.ts', true],
    ['status/ knows nothing of the api', 'src/status/x.ts', '../api/router.ts', true],
    ['lib/ imports nothing outside lib/', 'src/lib/re2/x.ts', '../../log.ts', true],
    [
      'lib/ imports another library by its entry only',
      'src/lib/go-template/x.ts',
      '../go-fmt/value.ts',
      true,
    ],
    ['outsiders use the entry file only', 'src/naming/x.ts', '../lib/re2/translate.ts', true],
    [
      'the product never imports test/',
      'src/provider/x.ts',
      '../../test/support/fake-rule.ts',
      true,
    ],
    [
      'the product never imports tools/',
      'src/kubernetes/x.ts',
      '../../tools/node-agent/env.ts',
      true,
    ],
    ['only main.ts imports start/', 'src/cli/x.ts', '../start/adapter.ts', true],
    ['api/ does not import explain/', 'src/api/x.ts', '../explain/explain.ts', true],
    ['explain/ never reaches the serving edge', 'src/explain/x.ts', '../serve/serve.ts', true],
    ['explain/ does not import start/', 'src/explain/x.ts', '../start/adapter.ts', true],
    ['explain/ replays the providers', 'src/explain/x.ts', '../provider/custom.ts', false],
    [
      'explain/ reads the relisted index',
      'src/explain/x.ts',
      '../discovery/metric-index.ts',
      false,
    ],
    [
      'tools/ does not use test support',
      'tools/node-agent/x.ts',
      '../../test/support/poll.ts',
      true,
    ],
    [
      'api/ uses kubernetes/ label selectors',
      'src/api/x.ts',
      '../kubernetes/label-selector.ts',
      false,
    ],
    ['provider/ reads the index', 'src/provider/x.ts', '../discovery/metric-index.ts', false],
    ['an entry file is open to all', 'src/naming/x.ts', '../lib/re2/re2.ts', false],
    ['lib/ uses another library’s entry', 'src/lib/go-template/x.ts', '../go-fmt/go-fmt.ts', false],
    ['main.ts starts the adapter', 'src/main.ts', './start/adapter.ts', false],
    ['unit tests use test support', 'src/api/x.test.ts', '../../test/support/pki.ts', false],
    [
      'tools/ use the product’s kubernetes client',
      'tools/node-agent/x.ts',
      '../../src/kubernetes/client.ts',
      false,
    ],
  ];
  for (const [name, file, specifier, want] of cases) {
    it(`${name}: ${file} → ${specifier}`, async () => {
      assert.equal(await restricted(file, specifier), want);
    });
  }
});
