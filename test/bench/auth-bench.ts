/**
 * Auth benchmark (issue 4): the real serving path (api/serve-handler.ts + api/app.ts, a 10-pod
 * custom metrics list) with delegated authn + authz and warm caches, against the same path with
 * a trusted identity, measured two ways, modes interleaved in rotating order, medians and
 * [min–max] over rounds, ratios taken within a round against the trusted mode:
 *  - over the wire (auth-bench-wire.ts): TLS + HTTP/1.1 keep-alive from a separate load process
 *    that sends the trusted and the front-proxy mode the very same bytes and certificate;
 *    req/s, and the server's CPU µs per request. On a small shared machine this is noisy: the
 *    `trusted identity (control)` row, identical to the baseline, shows how noisy.
 *  - in process (auth-bench-inproc.ts): the same request handler without sockets; little noise,
 *    and a lower bound of the wire ratio, since the wire costs every mode the same.
 * Usage: `node dist/bench/auth-bench.js [--ms=300] [--rounds=30] [--warmup-ms=2000]
 * [--inproc-rounds=21] [--inproc-batch=4000]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authMicroseconds } from './auth-bench-micro.ts';
import { measureInProcess } from './auth-bench-inproc.ts';
import { modes, type Mode } from './auth-bench-modes.ts';
import { measureWire } from './auth-bench-wire.ts';
import { summarize, type ModeSummary, type Sample, type Spread } from './bench-stats.ts';

const PATH = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/bench/pods/*/requests_per_second';
const CONCURRENCY = 16;
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

const fmt = (s: Spread, digits: number): string =>
  `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;

const summaries = (all: readonly Mode[], samples: readonly Sample[]): ModeSummary[] => {
  const names = all.map((m) => m.name);
  return summarize(samples, names, names[0] ?? '');
};

const printWire = (rows: readonly ModeSummary[]): void => {
  console.log('Over the wire (TLS, HTTP/1.1 keep-alive, load from a separate process):');
  console.table(
    rows.map((r) => ({
      mode: r.mode,
      'req/s': fmt(r.reqPerSec, 0),
      'ratio (per round)': fmt(r.ratio, 3),
      'server CPU µs/req': fmt(r.serverCpuUs, 1),
      'CPU ratio': fmt(r.cpuRatio, 3),
      'client CPU µs/req': r.clientCpuUs.median.toFixed(1),
    })),
  );
};

const printInProcess = (rows: readonly ModeSummary[], authUs: readonly number[]): void => {
  console.log('In process (the same request handler, no sockets):');
  console.table(
    rows.map((r, i) => ({
      mode: r.mode,
      'µs/req': fmt(r.serverCpuUs, 2),
      'ratio (per round)': fmt(r.ratio, 3),
      'of which authn + authz µs': (authUs[i] ?? 0).toFixed(2),
    })),
  );
};

const main = async (): Promise<void> => {
  const all = await modes();
  const certDir = await mkdtemp(join(tmpdir(), 'auth-bench-'));
  const wireSettings = {
    path: PATH,
    certDir,
    concurrency: CONCURRENCY,
    sliceMs: arg('ms', 300),
    rounds: arg('rounds', 30),
    warmupMs: arg('warmup-ms', 2000),
  };
  const wire = await measureWire(all, wireSettings).finally(() =>
    rm(certDir, { recursive: true, force: true }),
  );
  const inProcessSettings = {
    path: PATH,
    connections: CONCURRENCY,
    batch: arg('inproc-batch', 4000),
    rounds: arg('inproc-rounds', 21),
  };
  const inProcess = await measureInProcess(all, inProcessSettings);
  const authUs: number[] = [];
  for (const mode of all) authUs.push(await authMicroseconds(mode, PATH, 20_000));
  const [wireRows, inProcessRows] = [summaries(all, wire), summaries(all, inProcess)];
  printWire(wireRows);
  printInProcess(inProcessRows, authUs);
  const settings = { wire: { ...wireSettings, certDir: undefined }, inProcess: inProcessSettings };
  const results = { wire: wireRows, inProcess: inProcessRows, authUs };
  console.log(JSON.stringify({ bench: 'auth', settings, results }));
};

await main();
