/**
 * `npm run bench`: throughput and latency of the custom-metrics `pods/*` route over 100 pods,
 * adapter (HTTPS, real Prometheus behind it) beside Prometheus hit directly with the very same
 * PromQL. The ratio is the adapter's overhead. Both are measured in this run, on this machine.
 * Everything listens on 127.0.0.1 and stops by itself.
 */
import {
  fullWindow,
  HPA_PATH,
  hpaPromql,
  load as loadWith,
  startExporter,
  type LoadResult,
} from './hpa-load.ts';
import { allowEveryAccessReview, kubeconfigFor, startAdapter } from '../integration/harness.ts';
import { createFakeKubeApi } from '../support/fake-kube-api.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PODS = 100;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = 16;

const load = (url: string, tls: boolean): Promise<LoadResult> =>
  loadWith(url, tls, CONNECTIONS, SECONDS);

const main = async (): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-bench-'));
  const exporter = await startExporter(PODS);
  const prometheus = await startPrometheus([{ address: `127.0.0.1:${exporter.port}`, labels: {} }]);
  const kube = createFakeKubeApi();
  kube.setPods(
    'default',
    Array.from({ length: PODS }, (_, i) => ({ name: `pod-${i}`, labels: { app: 'bench' } })),
  );
  kube.setNamespaces([{ name: 'default' }]);
  allowEveryAccessReview(kube);
  const kubeServer = await kube.start();
  await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(kubeServer.url));
  const path = HPA_PATH;
  const measureAdapter = async (args: readonly string[]): Promise<LoadResult> => {
    const adapter = await startAdapter({ dir, prometheusUrl: prometheus.url }, [
      '--rate-interval=1m',
      ...args,
    ]);
    try {
      polled(
        await pollUntil(
          async () => {
            const res = await adapter.get(path);
            return (
              res.status === 200 &&
              (JSON.parse(res.body) as { items: unknown[] }).items.length === PODS
            );
          },
          (served) => served,
          { timeoutMs: 60_000, intervalMs: 500 },
        ),
        '100 pods served',
      );
      return await load(`https://127.0.0.1:${adapter.port}${path}`, true);
    } finally {
      await adapter.stop();
    }
  };
  try {
    const promql = hpaPromql(PODS);
    // Warm Prometheus up with the same query, and a full [1m] window, before the baseline.
    await prometheus.query(promql);
    await fullWindow(prometheus, Number(process.env['BENCH_WINDOW_SAMPLES'] ?? 58));
    const direct = await load(
      `${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`,
      false,
    );
    // Every request does its own object listing and PromQL query (client QPS limit lifted).
    const uncoalesced = await measureAdapter([
      '--coalesce-window=0',
      '--batch-window=0',
      '--object-cache=false',
      '--client-qps=-1',
    ]);
    // As deployed: defaults (coalescing, batching, object caches; the HPA case).
    const coalesced = await measureAdapter([]);
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    const report = {
      pods: PODS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      prometheusDirect: direct,
      adapterUncoalesced: uncoalesced,
      adapterCoalesced: coalesced,
      throughputRatioUncoalesced: ratio(uncoalesced.rps, direct.rps),
      throughputRatioCoalesced: ratio(coalesced.rps, direct.rps),
      p50RatioUncoalesced: ratio(uncoalesced.p50, Math.max(direct.p50, 1)),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await Promise.allSettled([kubeServer.stop(), prometheus.stop(), exporter.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
