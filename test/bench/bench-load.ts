/**
 * The load generator of the auth benchmark, run in a child process so it does not share the
 * server's event loop: keeps `concurrency` HTTPS/1.1 requests in flight for `durationMs` and
 * reports how many completed (status 200 only) to the parent over IPC. One connection pool per
 * target port lives as long as the child, so every run after the first reuses warm, already
 * authenticated keep-alive connections (no TLS handshakes inside a measurement).
 */
import { Pool } from 'undici';

/** One run, as sent by the parent. */
export interface LoadJob {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly cert?: string;
  readonly key?: string;
  /** Requests in flight in all. */
  readonly concurrency: number;
  /** Connections they share (default `concurrency`: one request per connection at a time). */
  readonly connections?: number;
  /** Offer HTTP/2 (the server then multiplexes the requests of a connection as streams). */
  readonly http2?: boolean;
  readonly durationMs: number;
}

/** What a run measured. */
export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  /** CPU time (user + system) the load generator itself spent, in microseconds. */
  readonly clientCpuUs: number;
}

const poolFor = (job: LoadJob): Pool => {
  const connections = job.connections ?? job.concurrency;
  const perConnection = Math.ceil(job.concurrency / connections);
  return new Pool(`https://127.0.0.1:${job.port}`, {
    connections,
    pipelining: perConnection,
    allowH2: job.http2 === true,
    ...(job.http2 === true ? { maxConcurrentStreams: perConnection } : {}),
    connect: {
      rejectUnauthorized: false,
      ...(job.cert === undefined ? {} : { cert: job.cert, key: job.key }),
    },
  });
};

/** Drives `job` through `pool` and resolves with the counts. */
export const runLoad = async (pool: Pool, job: LoadJob): Promise<LoadResult> => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + job.durationMs;
  let ok = 0;
  let failed = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const res = await pool.request({ method: 'GET', path: job.path, headers: job.headers });
      await res.body.text();
      if (res.statusCode === 200) ok += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { ok, failed, seconds, clientCpuUs: used.user + used.system };
};

/** Serves jobs from the parent until it disconnects; pools are kept per port. */
const serveParent = (): void => {
  const pools = new Map<number, Pool>();
  process.on('message', (job: LoadJob) => {
    let pool = pools.get(job.port);
    if (pool === undefined) {
      pool = poolFor(job);
      pools.set(job.port, pool);
    }
    runLoad(pool, job).then(
      (result) => process.send?.(result),
      (err: unknown) => process.send?.({ error: String(err) }),
    );
  });
  process.once('disconnect', () => {
    for (const pool of pools.values()) void pool.destroy();
  });
};

if (process.send !== undefined && process.argv.includes('--bench-load-child')) {
  serveParent();
}
