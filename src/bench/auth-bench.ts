/**
 * Auth benchmark (issue 4): the real serving path (api/serve.ts + api/app.ts, a 10-pod custom
 * metrics list) with delegated authn + authz and warm caches, against the same path with a
 * trusted identity. The client sends the very same bytes and certificate in the trusted and the
 * front-proxy mode. Every mode has its own server, started once and warmed up over its kept-alive
 * connections; then `rounds` rounds measure each mode for `ms`, back to back in a rotating order.
 * Printed per mode: median req/s [min–max], the median of the per-round ratios to the trusted
 * mode, the server's CPU time per request and the ratio it implies for a CPU-bound server, and
 * the in-process cost of one warm authenticate + authorize.
 * Usage: `node dist/bench/auth-bench.js [--ms=1000] [--rounds=7] [--warmup-ms=2000]`.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../api/app.ts';
import { startServer, type RunningServer } from '../api/serve.ts';
import { authorizeWith } from '../auth/serving-hooks.ts';
import { silentLogger } from '../log.ts';
import { authMicroseconds } from './auth-bench-micro.ts';
import { modes, provider, type Mode } from './auth-bench-modes.ts';
import type { LoadJob, LoadResult } from './bench-load.ts';
import { rotation, summarize, type Sample, type Spread } from './bench-stats.ts';

const PATH = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/bench/pods/*/requests_per_second';
const CONCURRENCY = 16;
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

type Load = (job: LoadJob) => Promise<LoadResult>;

const loadChild = () => {
  const self = fileURLToPath(import.meta.url);
  const loader = self.replace(/auth-bench\.(\w+)$/, 'bench-load.$1');
  const proc = fork(loader, ['--bench-load-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run: Load = (job) =>
    new Promise((resolve, reject) => {
      proc.once('message', (m: LoadResult | { error: string }) => {
        if ('error' in m) reject(new Error(m.error));
        else resolve(m);
      });
      proc.send(job);
    });
  return { run, stop: () => proc.disconnect() };
};

const serve = async (mode: Mode, certDir: string): Promise<RunningServer> => {
  const app = createApp({
    custom: provider(),
    health: { readyChecks: () => ({}), liveChecks: () => ({}) },
    ...(mode.authorize === undefined ? {} : { authorize: authorizeWith(mode.authorize) }),
    now: () => new Date(),
    version: { gitVersion: 'bench' },
    logger: silentLogger(),
  });
  return startServer(app, {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir,
    identify: mode.identify,
    logger: silentLogger(),
    drainTimeoutMs: 1000,
  });
};

interface Target {
  readonly mode: Mode;
  readonly job: Omit<LoadJob, 'durationMs'>;
}

/** One slice: the load child drives the target while this process (the servers) is timed. */
const sample = async (load: Load, t: Target, ms: number, round: number): Promise<Sample> => {
  const cpu = process.cpuUsage();
  const result = await load({ ...t.job, durationMs: ms });
  const used = process.cpuUsage(cpu);
  if (result.failed > 0) throw new Error(`${t.mode.name}: ${result.failed} requests failed`);
  const ok = Math.max(1, result.ok);
  return {
    mode: t.mode.name,
    round,
    reqPerSec: result.ok / result.seconds,
    serverCpuUs: (used.user + used.system) / ok,
    clientCpuUs: result.clientCpuUs / ok,
  };
};

const measureAll = async (all: readonly Mode[], certDir: string): Promise<Sample[]> => {
  const [ms, rounds, warmup] = [arg('ms', 1000), arg('rounds', 7), arg('warmup-ms', 2000)];
  const load = loadChild();
  const servers: RunningServer[] = [];
  try {
    const targets: Target[] = [];
    for (const mode of all) {
      const server = await serve(mode, certDir);
      servers.push(server);
      const job = { port: server.port, path: PATH, concurrency: CONCURRENCY, ...mode.client };
      targets.push({ mode, job });
    }
    for (const t of targets) await sample(load.run, t, warmup, -1);
    const samples: Sample[] = [];
    for (let r = 0; r < rounds; r += 1) {
      for (const t of rotation(targets, r)) samples.push(await sample(load.run, t, ms, r));
    }
    return samples;
  } finally {
    load.stop();
    for (const server of servers) await server.close();
  }
};

const fmt = (s: Spread, digits: number): string =>
  `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;

const main = async (): Promise<void> => {
  const all = await modes();
  const certDir = await mkdtemp(join(tmpdir(), 'auth-bench-'));
  const samples = await measureAll(all, certDir).finally(() =>
    rm(certDir, { recursive: true, force: true }),
  );
  const names = all.map((m) => m.name);
  const summaries = summarize(samples, names, names[0] ?? '');
  const rows = [];
  for (const [i, s] of summaries.entries()) {
    const mode = all[i];
    const authUs = mode === undefined ? 0 : await authMicroseconds(mode, PATH, 20_000);
    rows.push({ ...s, authUsPerRequest: Number(authUs.toFixed(2)) });
  }
  console.table(
    rows.map((r) => ({
      mode: r.mode,
      'req/s median [min–max]': fmt(r.reqPerSec, 0),
      'ratio (per round)': fmt(r.ratio, 3),
      'server CPU µs/req': fmt(r.serverCpuUs, 1),
      'CPU-bound ratio': fmt(r.cpuRatio, 3),
      'client CPU µs/req': r.clientCpuUs.median.toFixed(1),
      'auth µs (in process)': r.authUsPerRequest,
    })),
  );
  const settings = { ms: arg('ms', 1000), rounds: arg('rounds', 7), concurrency: CONCURRENCY };
  console.log(JSON.stringify({ bench: 'auth', ...settings, path: PATH, results: rows, samples }));
};

await main();
