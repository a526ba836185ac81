/**
 * `npm run bench:upstream` entry: the cached (else built) upstream v0.12.0 against ours (this
 * build's src/main.js unless K8S_PA_DIFF_OURS names another). Sizes from the environment:
 * BENCH_PODS (100), BENCH_SECONDS (8), BENCH_CONNECTIONS (16), BENCH_SERIES ("100x10000,500x10000"
 * — names × pods per discovery run; empty for none), BENCH_LIST_TIMEOUT_S (600), BENCH_ROUNDS (6)
 * and BENCH_SLICE_SECONDS (2) for the interleaved ratio, BENCH_SEQUENTIAL (1000) requests one at a
 * time for the latency rows, BENCH_WINDOW_SAMPLES (58) samples per series in the query's window
 * before the HPA rows, BENCH_HPAS
 * ("1000,5000": HPA fleet sizes; empty for none), BENCH_HPA_PERIOD_S (15), BENCH_HPA_SYNCS (2).
 */
import { join } from 'node:path';
import { upstreamBinary } from '../differential/stack.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { formatRows, runUpstreamBench } from './upstream-bench.ts';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;

const discovery = env('BENCH_SERIES', '100x10000,500x10000')
  .split(',')
  .filter((s) => s !== '')
  .map((s) => {
    const [names = 0, pods = 0] = s.split('x').map(Number);
    return { names, pods };
  });

process.env['K8S_PA_DIFF_OURS'] ??= join(REPO_ROOT, 'build/src/main.js');
const bin = await upstreamBinary({ ...process.env } as Record<string, string>);
if (bin === undefined)
  throw new Error('upstream prometheus-adapter v0.12.0 is not cached and could not be built');
const rows = await runUpstreamBench(bin, {
  pods: Number(env('BENCH_PODS', '100')),
  seconds: Number(env('BENCH_SECONDS', '8')),
  connections: Number(env('BENCH_CONNECTIONS', '16')),
  discovery,
  listTimeoutS: Number(env('BENCH_LIST_TIMEOUT_S', '600')),
  rounds: Number(env('BENCH_ROUNDS', '6')),
  sliceSeconds: Number(env('BENCH_SLICE_SECONDS', '2')),
  sequential: Number(env('BENCH_SEQUENTIAL', '1000')),
  windowSamples: Number(env('BENCH_WINDOW_SAMPLES', '58')),
  fleet: {
    hpas: env('BENCH_HPAS', '1000,5000')
      .split(',')
      .filter((s) => s !== '')
      .map(Number),
    periodMs: Number(env('BENCH_HPA_PERIOD_S', '15')) * 1000,
    syncs: Number(env('BENCH_HPA_SYNCS', '2')),
  },
});
process.stdout.write(`Run of ${new Date().toISOString()}\n${formatRows(rows)}`);
process.stdout.write(
  '* lifted: upstream --client-qps=1000000 --client-burst=1000000; ours --client-qps=-1 --coalesce-window=0 --batch-window=0 --object-cache=false\n' +
    'HPA fleet rows: upstream with its client limits lifted (its defaults cannot serve the sync), ours with defaults\n',
);
