/**
 * `explain` on a config with backends and a tenant, against a real Prometheus (Debian's) scraping
 * real sample apps and an in-process fake kube API (a real cluster is impossible here). The rule
 * and `resourceRules.cpu` are on `mimir`: two URLs, the first dead, the second a recording proxy
 * to the real Prometheus, and a per-namespace X-Scope-OrgID; `resourceRules.memory` stays on the
 * flag-defined backend. The `explain` subcommand (JSON and text) and `/debug/explain` name, per
 * query, the backend, the URL that answered after failover and the tenant sent — and the proxies
 * show that is where the queries went, with that header.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import type { Explanation } from '../../src/explain/types.ts';
import { freePort } from '../support/processes.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import {
  ADAPTER_ARGV,
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from './harness.ts';

const run = promisify(execFile);
const CUSTOM = 'custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests';
const PODS = 'metrics.k8s.io/v1beta1/namespaces/default/pods';
const TENANT = { header: 'X-Scope-OrgID', value: 'team-default' };

const config = (dead: string, mimir: string) => `backends:
- name: mimir
  urls: [${dead}, ${mimir}]
  tenant: {header: X-Scope-OrgID, template: "team-<<.Namespace>>"}
  tenants: [team-default]
rules:
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  backend: mimir
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: "^(.*)_total$", as: "\${1}"}
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s])) by (<<.GroupBy>>)'
resourceRules:
  cpu:
    containerQuery: 'sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
    nodeQuery: 'sum(rate(node_cpu_usage_seconds_total{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
    resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}, node: {resource: node}}}
    containerLabel: container
    backend: mimir
  memory:
    containerQuery: 'sum(container_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    nodeQuery: 'sum(node_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
    resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}, node: {resource: node}}}
    containerLabel: container
`;

describe('explain names the backend, URL and tenant of each query', { timeout: 180_000 }, () => {
  let h: Harness;
  let mimir: RecordingProxy;
  let adapter: RunningAdapter;
  let dead = '';

  before(async () => {
    h = await startHarness(2);
    mimir = await startRecordingProxy(h.prometheus.url);
    dead = `http://127.0.0.1:${await freePort()}`;
    await writeFile(join(h.dir, 'config.yaml'), config(dead, mimir.url));
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${join(h.dir, 'config.yaml')}`,
    ]);
    await waitListed(adapter, 'pods/http_requests');
  });
  after(async () => {
    await adapter?.stop();
    await mimir?.stop();
    await h?.stop();
  });

  const cli = async (path: string, output: 'text' | 'json') => {
    const args = [
      ...ADAPTER_ARGV,
      'explain',
      `--config=${join(h.dir, 'config.yaml')}`,
      `--prometheus-url=${h.proxy.url}/`,
      `--kubeconfig=${join(h.dir, 'kubeconfig')}`,
      `--output=${output}`,
      path,
    ];
    return (await run(process.execPath, args)).stdout;
  };
  const debugExplain = async (path: string): Promise<Explanation> => {
    const r = await adapter.get(`/debug/explain?path=${encodeURIComponent(path)}&output=json`);
    assert.equal(r.status, 200, r.body);
    return JSON.parse(r.body) as Explanation;
  };
  /** The tenant header the mimir proxy saw with `promql` (every time it was sent). */
  const tenantsSent = (promql: string) =>
    mimir.queries.filter((q) => q.query === promql).map((q) => q.headers['x-scope-orgid']);

  it('the CLI: the rule on mimir, answered by its second URL, with the namespace tenant', async () => {
    const before = h.proxy.queries.length;
    const e = JSON.parse(await cli(CUSTOM, 'json')) as Explanation;
    assert.equal(e.answer.status, 200);
    const q = e.queries[0];
    assert.ok(q !== undefined);
    assert.deepEqual(q.backend, { name: 'mimir', url: mimir.url, tenant: TENANT });
    assert.deepEqual(tenantsSent(q.promql), ['team-default']);
    assert.equal(h.proxy.queries.length, before, 'the default backend was not asked');
    const text = await cli(CUSTOM, 'text');
    assert.ok(
      text.includes(
        `\n            backend mimir, answered by ${mimir.url}, tenant header X-Scope-OrgID: "team-default"\n`,
      ),
      text,
    );
  });

  it('/debug/explain: the same for a custom metric; resource cpu on mimir, memory on default', async () => {
    const custom = await debugExplain(CUSTOM);
    assert.deepEqual(custom.queries[0]?.backend, { name: 'mimir', url: mimir.url, tenant: TENANT });
    const pods = await debugExplain(PODS);
    const by = (metric: string) => pods.queries.find((q) => q.promql.includes(metric));
    const cpu = by('container_cpu_usage_seconds_total');
    const memory = by('container_memory_working_set_bytes');
    assert.deepEqual(cpu?.backend, { name: 'mimir', url: mimir.url, tenant: TENANT });
    assert.deepEqual(memory?.backend, { name: 'default', url: `${h.proxy.url}/` });
    assert.deepEqual(tenantsSent(cpu?.promql ?? ''), ['team-default']);
    assert.ok(
      h.proxy.queries.some((q) => q.query === memory?.promql),
      'memory went to the flag-defined backend',
    );
  });
});
