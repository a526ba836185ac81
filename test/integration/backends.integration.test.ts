/**
 * Several backends on real processes: one config backend over two REAL Prometheus servers
 * scraping the same sample apps. The first is killed while requests run back to back: every
 * request still succeeds, the URL switch is logged once, and /metrics shows each URL's health.
 * Then a tenant backend in front of a recording proxy: each request carries its namespace's tenant.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { polled, pollUntil } from '../support/poll.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import {
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from './harness.ts';

const RULE = (backend: string) => `
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  backend: ${backend}
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}, node: {resource: node}}}
  name: {matches: "^(.*)_total$", as: "\${1}"}
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s])) by (<<.GroupBy>>)'
`;
const PODS = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests';

describe('a backend over two real Prometheus servers fails over', { timeout: 180_000 }, () => {
  let h: Harness;
  let second: TestPrometheus;
  let adapter: RunningAdapter;

  before(async () => {
    h = await startHarness(2);
    second = await startPrometheus(
      h.apps.map((a) => ({
        address: `127.0.0.1:${a.port}`,
        labels: { namespace: 'default', pod: a.name, node: 'node-1' },
      })),
    );
    const config = `backends:\n- name: ha\n  urls: [${h.prometheus.url}, ${second.url}]\nrules:${RULE('ha')}`;
    await writeFile(join(h.dir, 'config.yaml'), config);
    // The default backend points nowhere useful: every rule is on `ha`.
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${join(h.dir, 'config.yaml')}`,
    ]);
  });
  after(async () => {
    await adapter.stop();
    await second.stop();
    await h.stop();
  });

  it('keeps answering while the first Prometheus is killed, logs the switch once', async () => {
    await waitListed(adapter, 'pods/http_requests');
    const ok = await pollUntil(
      () => adapter.get(PODS),
      (r) => r.status === 200 && (JSON.parse(r.body) as { items: unknown[] }).items.length === 2,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    polled(ok, 'both pods answered');
    const statuses: number[] = [];
    let killed = false;
    const killing = (async () => {
      // Kill once requests are flowing.
      await pollUntil(
        () => Promise.resolve(statuses.length),
        (n) => n >= 5,
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      await h.prometheus.process.stop();
      killed = true;
    })();
    // Requests back to back until the switch shows (coalescing may serve a few from before the
    // kill), then 20 more: none may fail.
    const switched = () => adapter.process.output().includes('"backend switched URL"');
    let afterSwitch = 0;
    while (afterSwitch < 20 && statuses.length < 2000) {
      statuses.push((await adapter.get(PODS)).status);
      if (killed && switched()) afterSwitch++;
    }
    await killing;
    assert.equal(afterSwitch, 20, 'the switch was logged');
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      `every request succeeded (${statuses.length})`,
    );
    const switches = adapter.process
      .output()
      .split('\n')
      .filter((l) => l.includes('"backend switched URL"'));
    assert.equal(switches.length, 1, switches.join('\n'));
    assert.match(switches[0] ?? '', new RegExp(`"to":"${second.url}"`));
    const metrics = (await adapter.get('/metrics')).body;
    assert.match(
      metrics,
      new RegExp(`prometheus_adapter_backend_up\\{backend="ha",url="${h.prometheus.url}"\\} 0`),
    );
    assert.match(
      metrics,
      new RegExp(`prometheus_adapter_backend_up\\{backend="ha",url="${second.url}"\\} 1`),
    );
    // The status page says the same, per URL.
    const status = JSON.parse((await adapter.get('/status?format=json')).body) as {
      backends: { backend: string; url: string; healthy: boolean }[];
    };
    const ha = status.backends.filter((b) => b.backend === 'ha');
    assert.deepEqual(
      ha.map((b) => [b.url.replace(/\/$/, ''), b.healthy]),
      [
        [h.prometheus.url, false],
        [second.url, true],
      ],
    );
  });
});

/** A tiny proxy to a real Prometheus that records the X-Scope-OrgID and the query of each call. */
const tenantProxy = async (target: string) => {
  const seen: { tenant: string; query: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      const q = url.searchParams.get('query') ?? new URLSearchParams(body.toString()).get('query');
      if (url.pathname === '/api/v1/query') {
        seen.push({ tenant: String(req.headers['x-scope-orgid'] ?? ''), query: q ?? '' });
      }
      const up = request(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
};

describe('a tenant backend sends each namespace its own tenant', { timeout: 180_000 }, () => {
  let h: Harness;
  let adapter: RunningAdapter;
  let proxy: Awaited<ReturnType<typeof tenantProxy>>;

  before(async () => {
    h = await startHarness(2);
    h.kube.setPods('other', [{ name: 'sample-app-0', labels: { app: 'sample-app' } }]);
    h.kube.setNamespaces([{ name: 'default' }, { name: 'other' }]);
    proxy = await tenantProxy(h.prometheus.url);
    const config = [
      'backends:',
      '- name: mimir',
      `  urls: [${proxy.url}]`,
      '  tenant: {header: X-Scope-OrgID, template: "team-<<.Namespace>>"}',
      '  tenants: [team-default]',
      `rules:${RULE('mimir')}`,
    ].join('\n');
    await writeFile(join(h.dir, 'config.yaml'), config);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${join(h.dir, 'config.yaml')}`,
    ]);
  });
  after(async () => {
    await adapter.stop();
    await proxy.stop();
    await h.stop();
  });

  it('namespaces A and B, concurrently: each query carries its own tenant; root-scoped is 400', async () => {
    await waitListed(adapter, 'pods/http_requests');
    proxy.seen.length = 0;
    const paths = ['default', 'other', 'default', 'other'].map(
      (ns) => `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/http_requests`,
    );
    const answers = await Promise.all(paths.map((p) => adapter.get(p)));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200],
    );
    const byTenant = new Map<string, string[]>();
    for (const s of proxy.seen)
      byTenant.set(s.tenant, [...(byTenant.get(s.tenant) ?? []), s.query]);
    assert.deepEqual([...byTenant.keys()].sort(), ['team-default', 'team-other']);
    for (const q of byTenant.get('team-default') ?? []) assert.match(q, /namespace="default"/);
    for (const q of byTenant.get('team-other') ?? []) assert.match(q, /namespace="other"/);
    const root = await adapter.get('/apis/custom.metrics.k8s.io/v1beta1/nodes/*/http_requests');
    assert.equal(root.status, 400, root.body);
    assert.match(root.body, /no defaultTenant/);
  });
});
