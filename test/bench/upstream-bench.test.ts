/**
 * Smoke run of `npm run bench:upstream` at tiny sizes: the bench code runs end to end against
 * both adapters and prints every row. The figures themselves are not judged (a timed test
 * would be flaky); the benchmark compares them. Skipped when upstream is neither cached nor
 * buildable, or Prometheus is not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { upstreamBinary } from '../differential/stack.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { formatRows, runUpstreamBench } from './upstream-bench.ts';

const hasPrometheus = (): boolean => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

test('bench:upstream prints every row at tiny sizes', { timeout: 300_000 }, async (t) => {
  process.env['K8S_PA_DIFF_OURS'] ??= join(REPO_ROOT, 'build/src/main.js');
  const bin = await upstreamBinary({ ...process.env } as Record<string, string>);
  if (bin === undefined || !hasPrometheus()) {
    t.skip('needs the upstream v0.12.0 binary and prometheus');
    return;
  }
  const rows = await runUpstreamBench(bin, {
    pods: 3,
    seconds: 1,
    connections: 2,
    discovery: [{ names: 2, pods: 5 }],
    listTimeoutS: 60,
    rounds: 1,
    sliceSeconds: 1,
    sequential: 20,
    windowSamples: 0,
    fleet: { hpas: [4], periodMs: 3000, syncs: 1 },
  });
  const table = formatRows(rows);
  for (const what of [
    'Prometheus direct req/s',
    'defaults: req/s',
    'defaults: p99 ms',
    'defaults: req/s ÷ Prometheus direct',
    'Prometheus direct, interleaved',
    'Prometheus direct p50 ms',
    'warm, defaults: p50 ms',
    'warm, defaults: p99 ms',
    'RSS MB after the defaults load',
    'anonymous RSS MB after the defaults load',
    'client limits lifted*: req/s',
    'client limits lifted*: p99 ms',
    'failed requests',
    'discovery of 10 series: seconds until listed',
    'discovery of 10 series: peak RSS MB',
    'discovery of 10 series: RSS MB after 2 more relists',
    '4 HPAs (own Deployments), per 3 s sync: Prometheus queries',
  ]) {
    assert.ok(table.includes(what), `row "${what}" missing:\n${table}`);
  }
  // Every measured figure is there: both adapters listed the metrics and served the pods.
  const fleet = (what: string) =>
    rows.find((r) => r.what.includes(`4 HPAs`) && r.what.includes(what));
  // Every HPA answered by both; ours with no LIST and every value its own query's.
  assert.deepEqual([fleet('answered')?.upstream, fleet('answered')?.ours], [4, 4], table);
  assert.equal(fleet('LISTs')?.ours, 0, table);
  assert.equal(fleet('LISTs')?.upstream, 4, table);
  assert.equal(fleet('differing')?.ours, 0, table);
  assert.equal(fleet('queries')?.upstream, 4, table);
  for (const r of rows.filter((x) => !x.what.startsWith('failed') && !x.what.includes('HPAs'))) {
    assert.ok(r.upstream !== undefined && r.ours !== undefined, `${r.what}: ${table}`);
    assert.ok(r.upstream > 0 && r.ours > 0, `${r.what}: ${table}`);
  }
});
