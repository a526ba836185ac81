/**
 * What ships: the product build (tsconfig.build.json → dist/) and the npm package hold the adapter
 * only, never a unit test, test support, suite, benchmark or the node agent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/repo-root.ts';

const run = promisify(execFile);
const NOT_PRODUCT =
  /(^|\/)(test|tools|e2e|bench|integration|node-agent|testing)\/|\.test\.|test-support/;

describe('the product build', () => {
  it('compiles only src/, without unit tests', async () => {
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const { stdout } = await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'],
      { cwd: REPO_ROOT, maxBuffer: 16 << 20 },
    );
    const ours = stdout
      .split('\n')
      .filter((f) => f.startsWith(REPO_ROOT) && !f.includes('/node_modules/'))
      .map((f) => relative(REPO_ROOT, f));
    assert.ok(ours.includes('src/main.ts'), 'the product build compiles src/main.ts');
    assert.deepEqual(
      ours.filter((f) => !f.startsWith('src/') || NOT_PRODUCT.test(f)),
      [],
    );
  });

  it('npm pack ships dist/ and the package files only', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      maxBuffer: 16 << 20,
    });
    const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const paths = (pack?.files ?? []).map((f) => f.path);
    assert.ok(paths.length > 0);
    assert.deepEqual(
      paths.filter(
        (p) => !(p.startsWith('dist/') || /^(package\.json|README\.md|LICENSE)$/.test(p)),
      ),
      [],
    );
    assert.deepEqual(
      paths.filter((p) => NOT_PRODUCT.test(p)),
      [],
    );
  });

  it('dist/, when built, holds no test, suite, benchmark or node-agent file', async (t) => {
    const dist = join(REPO_ROOT, 'dist');
    const files = await readdir(dist, { recursive: true }).catch(() => undefined);
    if (files === undefined) {
      t.skip('dist/ is not built (npm run build)');
      return;
    }
    assert.ok(files.includes('main.js'));
    assert.deepEqual(
      files.filter((f) => NOT_PRODUCT.test(f.replaceAll('\\', '/'))),
      [],
    );
  });
});
