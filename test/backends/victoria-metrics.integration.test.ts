/**
 * A `dialect: metricsql` backend on a REAL VictoriaMetrics (single node, built from its Go module
 * by scripts/backends/build-victoria-metrics.sh and cached) scraping real sample apps: discovery
 * through VictoriaMetrics' /api/v1/series, a MetricsQL metricsQuery (`keep_metric_names`,
 * `default 0`) answering custom metrics, and no PromQL warning for it at start. Skipped, with the
 * reason, when the binary is not cached (npm test never builds it; `npm run test:backends` does).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polled, pollUntil } from '../support/poll.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import {
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from '../integration/harness.ts';
import {
  VICTORIA_METRICS_BINARY as BINARY,
  victoriaMetricsSkipReason,
} from '../support/victoria-metrics.ts';

const skip = victoriaMetricsSkipReason() ?? false;

const PODS = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests';

describe('a metricsql backend on a real VictoriaMetrics', { timeout: 180_000, skip }, () => {
  let h: Harness;
  let vm: Running;
  let dir: string;
  let adapter: RunningAdapter;

  before(async () => {
    h = await startHarness(2);
    dir = await mkdtemp(join(tmpdir(), 'k8spa-vm-'));
    const port = await freePort();
    await writeFile(
      join(dir, 'scrape.yml'),
      JSON.stringify({
        global: { scrape_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'sample',
            static_configs: h.apps.map((a) => ({
              targets: [`127.0.0.1:${a.port}`],
              labels: { namespace: 'default', pod: a.name, node: 'node-1' },
            })),
          },
        ],
      }),
    );
    vm = startProcess(BINARY, [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(dir, 'data')}`,
      `-promscrape.config=${join(dir, 'scrape.yml')}`,
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ]);
    const url = `http://127.0.0.1:${port}`;
    polled(
      await pollUntil(
        async () => (await fetch(`${url}/health`)).ok,
        (ok) => ok,
        { timeoutMs: 20_000, intervalMs: 200 },
      ),
      `victoria-metrics ready: ${vm.output()}`,
    );
    const config = [
      'backends:',
      `- {name: vm, urls: ["${url}"], dialect: metricsql}`,
      'rules:',
      `- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'`,
      '  backend: vm',
      '  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}',
      '  name: {matches: "^(.*)_total$", as: "${1}"}',
      "  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s]) keep_metric_names) by (<<.GroupBy>>) default 0'",
    ].join('\n');
    await writeFile(join(h.dir, 'config.yaml'), config);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${join(h.dir, 'config.yaml')}`,
    ]);
  });
  after(async () => {
    await adapter?.stop();
    await vm?.stop();
    await h?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('discovers through VictoriaMetrics and answers with the MetricsQL query', async () => {
    await waitListed(adapter, 'pods/http_requests');
    await h.apps[0]!.hit(20);
    const r = polled(
      await pollUntil(
        () => adapter.get(PODS),
        (a) =>
          a.status === 200 &&
          (JSON.parse(a.body) as { items: { value: string }[] }).items.length === 2,
        { timeoutMs: 30_000, intervalMs: 300 },
      ),
      'both pods answered',
    );
    const items = (JSON.parse(r.body) as { items: { describedObject: { name: string } }[] }).items;
    assert.deepEqual(items.map((i) => i.describedObject.name).sort(), [
      'sample-app-0',
      'sample-app-1',
    ]);
    assert.equal(h.proxy.queries.length, 0, 'the default backend was never asked');
    assert.doesNotMatch(adapter.process.output(), /invalid PromQL/);
  });
});
