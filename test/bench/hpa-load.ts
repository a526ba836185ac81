/**
 * The HPA request load shared by `npm run bench` and `npm run bench:upstream`: an exporter of a
 * growing `http_requests_total` counter per pod (scraped by a real Prometheus), the request path
 * an HPA sends for `pods/*` over those pods, and autocannon load against a URL.
 */
import { createServer } from 'node:http';
import autocannon from 'autocannon';
import { pollFor } from '../differential/stack.ts';
import type { TestPrometheus } from '../support/prometheus-server.ts';

export const HPA_PATH =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app%3Dbench';

/** The PromQL the adapter sends for HPA_PATH, for the Prometheus-direct baseline. */
export const hpaPromql = (pods: number): string => {
  const names = Array.from({ length: pods }, (_, i) => `pod-${i}`).join('|');
  return `sum(rate(http_requests_total{namespace="default",pod=~"${names}"}[1m])) by (pod)`;
};

/** One exporter serving a growing counter for each of `pods` pods (`pod-<i>` in default). */
export const startExporter = async (pods: number) => {
  const started = Date.now();
  const server = createServer((_req, res) => {
    const t = (Date.now() - started) / 1000;
    const lines = Array.from(
      { length: pods },
      (_, i) =>
        `http_requests_total{namespace="default",pod="pod-${i}"} ${Math.floor(t * (i + 1))}`,
    );
    res.end(`# TYPE http_requests_total counter\n${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const stop = () =>
    new Promise<void>((r) => {
      server.close(() => {
        r();
      });
    });
  return { port, stop };
};

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

export const load = async (
  url: string,
  tls: boolean,
  connections: number,
  seconds: number,
): Promise<LoadResult> => {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    ...(tls ? { tlsOptions: { rejectUnauthorized: false } } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
};

/**
 * Waits until Prometheus holds `samples` samples per series in the HPA query's `[1m]` window (1 s
 * scrapes: up to 60). Its cost per query grows with them: a Prometheus-direct baseline measured
 * seconds after start is cheaper than at steady state. 0 returns at once (smoke runs).
 */
export const fullWindow = async (
  prometheus: Pick<TestPrometheus, 'query'>,
  samples: number,
): Promise<void> => {
  await pollFor(
    `Prometheus holds ${String(samples)} samples per series in the [1m] window`,
    async () => {
      const data = (await prometheus.query('min(count_over_time(http_requests_total[1m]))')) as {
        result: { value: [number, string] }[];
      };
      return Number(data.result[0]?.value[1] ?? 0) >= samples ? true : undefined;
    },
    120_000,
    1000,
  );
};
