/**
 * Test support: a real Prometheus (Debian's package) on a free loopback port with a 1 s scrape
 * interval, scraping the targets given, each with its own extra labels (and, optionally, external
 * labels: what a Thanos sidecar needs) and, optionally, remote-writing everything it scrapes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polled, pollUntil } from './poll.ts';
import { freePort, startProcess, type Running } from './processes.ts';

export interface ScrapeTarget {
  readonly address: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface TestPrometheus {
  readonly url: string;
  /** The current process (a new one after `restart`). */
  readonly process: Running;
  /** SIGKILLs the process and waits for it to exit (the data directory stays). */
  kill(): Promise<void>;
  /** Starts Prometheus again on the same port and data directory; resolves once it is ready. */
  restart(): Promise<void>;
  /** Instant query, straight to Prometheus. */
  query(promql: string, time?: number): Promise<unknown>;
  stop(): Promise<void>;
}

const configFor = (
  targets: readonly ScrapeTarget[],
  externalLabels: Readonly<Record<string, string>>,
  remoteWrite: readonly string[],
): string =>
  JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s', external_labels: externalLabels },
    scrape_configs: [
      {
        job_name: 'sample',
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
    // Sent within a second of the scrape (the default waits up to 5 s for a batch).
    remote_write: remoteWrite.map((url) => ({ url, queue_config: { batch_send_deadline: '1s' } })),
  });

/**
 * Polls `<url>/-/ready` (Prometheus and Thanos both answer it) for up to 30 s; on a timeout runs
 * `stop` and throws with what `proc` printed.
 */
export const untilReady = async (
  url: string,
  what: string,
  proc: Running,
  stop: () => Promise<void>,
): Promise<void> => {
  try {
    polled(
      await pollUntil(
        async () => (await fetch(`${url}/-/ready`)).ok,
        (up) => up,
        { timeoutMs: 30_000, intervalMs: 100 },
      ),
      `${what} ready`,
    );
  } catch (err) {
    await stop();
    throw new Error(`${what} did not start:\n${proc.output()}`, { cause: err });
  }
};

export const startPrometheus = async (
  targets: readonly ScrapeTarget[],
  externalLabels: Readonly<Record<string, string>> = {},
  /** Remote-write URLs (Thanos Receive's /api/v1/receive): every sample goes there too. */
  remoteWrite: readonly string[] = [],
): Promise<TestPrometheus> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-prom-'));
  const port = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), configFor(targets, externalLabels, remoteWrite));
  const spawnOne = (): Running =>
    startProcess('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
  let proc = spawnOne();
  const url = `http://127.0.0.1:${port}`;
  const query = async (promql: string, time?: number): Promise<unknown> => {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set('time', time.toFixed(3));
    const res = await fetch(`${url}/api/v1/query?${params.toString()}`);
    const body = (await res.json()) as { status: string; data: unknown };
    if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
    return body.data;
  };
  const stop = async () => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const ready = () => untilReady(url, 'prometheus', proc, stop);
  const kill = (): Promise<void> => proc.kill();
  const restart = async (): Promise<void> => {
    proc = spawnOne();
    await ready();
  };
  await ready();
  return {
    url,
    get process() {
      return proc;
    },
    kill,
    restart,
    query,
    stop,
  };
};
