/**
 * Auth benchmark (issue 4): the real serving path (api/serve.ts + api/app.ts, a 10-pod custom
 * metrics list) with delegated authn + authz and warm caches, against the same path with a
 * trusted identity. Prints req/s per mode (best of `rounds`, modes interleaved), the ratio to the
 * trusted mode, and the in-process cost of one warm authenticate + authorize with its share of a
 * trusted request's time. Usage: `node dist/bench/auth-bench.js [--ms=1000] [--rounds=2]`.
 */
import { fork } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../api/app.ts';
import { startServer } from '../api/serve.ts';
import { parseRequestInfo, toAttributes } from '../api/request-info.ts';
import { authorizeWith } from '../auth/serving-hooks.ts';
import { modes, provider, type Mode } from './auth-bench-modes.ts';
import { silentLogger } from '../log.ts';
import type { LoadJob, LoadResult } from './bench-load.ts';

const PATH = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/bench/pods/*/requests_per_second';
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

const child = () => {
  const self = fileURLToPath(import.meta.url);
  const loader = self.replace(/auth-bench\.(\w+)$/, 'bench-load.$1');
  const proc = fork(loader, ['--bench-load-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run = (job: LoadJob): Promise<LoadResult> =>
    new Promise((resolve, reject) => {
      proc.once('message', (m: LoadResult | { error: string }) => {
        if ('error' in m) reject(new Error(m.error));
        else resolve(m);
      });
      proc.send(job);
    });
  return {
    run,
    stop: () => {
      proc.disconnect();
    },
  };
};

const measure = async (
  mode: Mode,
  certDir: string,
  load: ReturnType<typeof child>,
  ms: number,
): Promise<number> => {
  const app = createApp({
    custom: provider(),
    health: { readyChecks: () => ({}), liveChecks: () => ({}) },
    ...(mode.authorize === undefined ? {} : { authorize: authorizeWith(mode.authorize) }),
    now: () => new Date(),
    version: { gitVersion: 'bench' },
    logger: silentLogger(),
  });
  const server = await startServer(app, {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir,
    identify: mode.identify,
    logger: silentLogger(),
    drainTimeoutMs: 1000,
  });
  try {
    const job = { port: server.port, path: PATH, concurrency: 16, ...mode.client };
    await load.run({ ...job, durationMs: Math.min(500, ms) });
    const result = await load.run({ ...job, durationMs: ms });
    if (result.failed > 0) throw new Error(`${mode.name}: ${result.failed} requests failed`);
    return result.ok / result.seconds;
  } finally {
    await server.close();
  }
};

/** Microseconds per warm authenticate + authorize, in process (no sockets). */
const microUs = async (mode: Mode, iterations: number): Promise<number> => {
  const connection = {};
  const headers = mode.client.headers;
  const chain = mode.client.cert === undefined ? [] : [new X509Certificate(mode.client.cert)];
  const peer = { headers, peerChain: () => chain, connection };
  const authorize = mode.authorize === undefined ? undefined : authorizeWith(mode.authorize);
  const attrs = toAttributes(parseRequestInfo('GET', PATH, new URLSearchParams()));
  const once = async (): Promise<void> => {
    const { identity } = await mode.identify(peer);
    await authorize?.(attrs, identity);
  };
  for (let i = 0; i < 1000; i += 1) await once();
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await once();
  return ((performance.now() - started) * 1000) / iterations;
};

const main = async (): Promise<void> => {
  const ms = arg('ms', 1000);
  const rounds = arg('rounds', 2);
  const all = await modes();
  const certDir = await mkdtemp(join(tmpdir(), 'auth-bench-'));
  const load = child();
  const best = new Map<string, number>();
  try {
    if (all[0] !== undefined) await measure(all[0], certDir, load, ms);
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? all : [...all].reverse();
      for (const mode of order) {
        const rps = await measure(mode, certDir, load, ms);
        best.set(mode.name, Math.max(best.get(mode.name) ?? 0, rps));
      }
    }
  } finally {
    load.stop();
    await rm(certDir, { recursive: true, force: true });
  }
  const base = best.get(all[0]?.name ?? '') ?? 1;
  const rows = [];
  for (const mode of all) {
    const rps = best.get(mode.name) ?? 0;
    const us = await microUs(mode, 20_000);
    rows.push({
      mode: mode.name,
      reqPerSec: Math.round(rps),
      ratio: Number((rps / base).toFixed(3)),
      authUsPerRequest: Number(us.toFixed(2)),
      authShareOfTrustedRequest: Number(((us * base) / 1e6).toFixed(4)),
    });
  }
  console.table(rows);
  console.log(
    JSON.stringify({ bench: 'auth', ms, rounds, concurrency: 16, path: PATH, results: rows }),
  );
};

await main();
