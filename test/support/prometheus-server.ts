/**
 * Test support: a real Prometheus (Debian's package) on a free loopback port with a 1 s scrape
 * interval, scraping the targets given, each with its own extra labels.
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
  readonly process: Running;
  /** Instant query, straight to Prometheus. */
  query(promql: string, time?: number): Promise<unknown>;
  stop(): Promise<void>;
}

const configFor = (targets: readonly ScrapeTarget[]): string =>
  JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      {
        job_name: 'sample',
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
  });

export const startPrometheus = async (
  targets: readonly ScrapeTarget[],
): Promise<TestPrometheus> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-prom-'));
  const port = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), configFor(targets));
  const proc = startProcess('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
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
  try {
    polled(
      await pollUntil(
        async () => (await fetch(`${url}/-/ready`)).ok,
        (ready) => ready,
        { timeoutMs: 20_000, intervalMs: 200 },
      ),
      'prometheus ready',
    );
  } catch (err) {
    await stop();
    throw new Error(`prometheus did not start: ${proc.output()}`, { cause: err });
  }
  return { url, process: proc, query, stop };
};
