/**
 * The load generator of the auth benchmark, run in a child process so it does not share the
 * server's event loop: keeps `concurrency` HTTPS requests in flight for `durationMs` and
 * reports how many completed (status 200 only) to the parent over IPC.
 */
import { Pool } from 'undici';

/** One run, as sent by the parent. */
export interface LoadJob {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly cert?: string;
  readonly key?: string;
  readonly concurrency: number;
  readonly durationMs: number;
}

/** What a run measured. */
export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
}

/** Drives `job` against the server and resolves with the counts. */
export const runLoad = async (job: LoadJob): Promise<LoadResult> => {
  const pool = new Pool(`https://127.0.0.1:${job.port}`, {
    connections: job.concurrency,
    connect: {
      rejectUnauthorized: false,
      ...(job.cert === undefined ? {} : { cert: job.cert, key: job.key }),
    },
  });
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
  await pool.close();
  return { ok, failed, seconds };
};

if (process.send !== undefined && process.argv.includes('--bench-load-child')) {
  process.on('message', (job: LoadJob) => {
    void runLoad(job).then(
      (result) => process.send?.(result),
      (err: unknown) => process.send?.({ error: String(err) }),
    );
  });
}
