/** The binary's contract: exit codes and outputs of --help, unknown flags, config-gen, bad config. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const compiled = fileURLToPath(new URL('./main.js', import.meta.url));
const run = (args: readonly string[]) => {
  const argv = existsSync(compiled)
    ? [compiled, ...args]
    : ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), ...args];
  return spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 30_000 });
};

describe('prometheus-adapter binary', () => {
  it('--help prints every flag and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    for (const flag of [
      '--prometheus-url',
      '--metrics-relist-interval',
      '--secure-port',
      '--requestheader-client-ca-file',
    ]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });

  it('an unknown flag prints usage and exits 2', () => {
    const r = run(['--bogus=1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^unknown flag: --bogus/);
    assert.match(r.stderr, /Usage:/);
  });

  it('config-gen prints the default rules with the rate interval', () => {
    const r = run(['config-gen', '--rate-interval=30s']);
    assert.equal(r.status, 0, r.stderr);
    const config = parse(r.stdout) as {
      rules: { metricsQuery: string }[];
      resourceRules: { window: string };
    };
    assert.equal(config.rules.length, 6);
    assert.match(config.rules[4]?.metricsQuery ?? '', /\[30s\]/);
    assert.equal(config.resourceRules.window, '30s');
  });

  it('a broken config exits non-zero before serving, listing every error with line:col', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8spa-main-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'rules:\n- seriesQuery: {__name__=~"x"}\n  nme: {}\n- metricsQuery: 1\n');
    const r = run([`--config=${file}`, '--secure-port=0', '--lister-kubeconfig=/nonexistent']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${file}:2:16: rules\\[0\\]\\.seriesQuery: `));
    assert.match(r.stderr, new RegExp(`${file}:3:3: rules\\[0\\]\\.nme: field nme not found`));
    assert.match(
      r.stderr,
      new RegExp(`${file}:4:3: rules\\[1\\]\\.seriesQuery: required field is missing`),
    );
  });
});
