/**
 * The over-the-wire half of the auth benchmark: every mode gets its own server (api/serve.ts,
 * TLS, HTTP/1.1 keep-alive) in this process, started once and warmed up; a child process
 * (bench-load.ts) drives them in short slices, mode after mode in a rotating order, while this
 * process's CPU time is taken, so each slice yields req/s and server CPU µs per request.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/serve/serve.ts';
import { silentLogger } from '../../src/log.ts';
import { appFor, type Mode } from './auth-bench-modes.ts';
import type { LoadJob, LoadResult } from './bench-load.ts';
import { rotation, type Sample } from './bench-stats.ts';

/** How the wire is measured. */
export interface WireSettings {
  readonly path: string;
  readonly certDir: string;
  /** Requests in flight, one per keep-alive connection. */
  readonly concurrency: number;
  readonly sliceMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
}

type Load = (job: LoadJob) => Promise<LoadResult>;

const loadChild = () => {
  const self = fileURLToPath(import.meta.url);
  const loader = self.replace(/auth-bench-wire\.(\w+)$/, 'bench-load.$1');
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
  return {
    run,
    stop: () => {
      proc.disconnect();
    },
  };
};

const serve = (mode: Mode, certDir: string): Promise<RunningServer> =>
  startServer(appFor(mode), {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir,
    identify: mode.identify,
    logger: silentLogger(),
    drainTimeoutMs: 1000,
  });

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

/** Measures every mode over the wire; one sample per mode and round. */
export const measureWire = async (all: readonly Mode[], s: WireSettings): Promise<Sample[]> => {
  const load = loadChild();
  const servers: RunningServer[] = [];
  try {
    const targets: Target[] = [];
    for (const mode of all) {
      const server = await serve(mode, s.certDir);
      servers.push(server);
      const job = { port: server.port, path: s.path, concurrency: s.concurrency, ...mode.client };
      targets.push({ mode, job });
    }
    for (const t of targets) await sample(load.run, t, s.warmupMs, -1);
    const samples: Sample[] = [];
    for (let r = 0; r < s.rounds; r += 1) {
      for (const t of rotation(targets, r)) samples.push(await sample(load.run, t, s.sliceMs, r));
    }
    return samples;
  } finally {
    load.stop();
    for (const server of servers) await server.close();
  }
};
