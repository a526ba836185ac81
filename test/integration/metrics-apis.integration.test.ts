/**
 * External and resource metrics against a real Prometheus (Debian's binary), scraping the sample
 * app (`queue_depth`, set with `PUT /queue?depth=N`) and a static kubelet-like exposition
 * (container_cpu_usage_seconds_total, container_memory_working_set_bytes, node_*).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createExternalProvider } from '../../src/provider/external.ts';
import { createResourceProvider } from '../../src/provider/resource.ts';
import { miniTemplate } from '../support/mini-template.ts';
import type {
  CompiledResourceRule,
  CompiledResourceRules,
} from '../../src/provider/resource-usage.ts';
import { ApiError } from '../../src/api/errors.ts';
import type { ExternalMetricsProvider } from '../../src/api/provider.ts';
import { handleResourceMetrics } from '../../src/api/resource-metrics.ts';
import type { CompiledRule } from '../../src/rules/compiled-rule.ts';
import { fakeRule } from '../support/fake-rule.ts';
import { createRelister } from '../../src/discovery/relister.ts';
import { parseFieldSelector } from '../../src/kubernetes/field-selector.ts';
import { parseLabelSelector } from '../../src/kubernetes/label-selector.ts';
import type { NodeMeta, PodMeta } from '../../src/kubernetes/metadata-informers.ts';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { silentLogger } from '../../src/log.ts';
import { createPrometheusClient, type HttpPrometheusClient } from '../../src/prometheus/client.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const SAMPLE_APP = join(REPO_ROOT, 'examples/sample-app/main.js');
const started = Date.now() / 1000;

/** cpu counters grow at a fixed rate (cores), so irate() over them is that many cores. */
const kubeletText = (): string => {
  const t = Date.now() / 1000 - started + 100;
  return [
    '# TYPE container_cpu_usage_seconds_total counter',
    `container_cpu_usage_seconds_total{namespace="default",pod="web-1",container="app"} ${0.25 * t}`,
    `container_cpu_usage_seconds_total{namespace="default",pod="web-1",container="side"} ${0.5 * t}`,
    `container_cpu_usage_seconds_total{namespace="default",pod="web-2",container="app"} ${0.1 * t}`,
    `container_cpu_usage_seconds_total{namespace="kube-system",pod="dns",container="dns"} ${0.01 * t}`,
    '# TYPE container_memory_working_set_bytes gauge',
    'container_memory_working_set_bytes{namespace="default",pod="web-1",container="app"} 1048576',
    'container_memory_working_set_bytes{namespace="default",pod="web-1",container="side"} 1048577',
    'container_memory_working_set_bytes{namespace="kube-system",pod="dns",container="dns"} 500',
    '# TYPE node_cpu_usage_seconds_total counter',
    `node_cpu_usage_seconds_total ${1.5 * t}`,
    '# TYPE node_memory_working_set_bytes gauge',
    `node_memory_working_set_bytes ${2 * 1024 ** 3}`,
    '',
  ].join('\n');
};

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const externalRule = (name: string, query: string, namespaced = true): CompiledRule => ({
  ...fakeRule({
    kind: 'external',
    seriesQuery: '{__name__="queue_depth"}',
    path: `externalRules[${name}]`,
  }),
  metricNameFor: () => name,
  namespaced,
  metricsQuery: miniTemplate(query),
});

const resourceRule = (container: string, node: string): CompiledResourceRule => ({
  containerQuery: miniTemplate(container),
  nodeQuery: miniTemplate(node),
  containerLabel: 'container',
  labelFor: (gr) => gr.resource.replace(/s$/, ''),
});

const RESOURCE_RULES: CompiledResourceRules = {
  cpu: resourceRule(
    'sum(irate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[10s])) by (<<.GroupBy>>)',
    'sum(irate(node_cpu_usage_seconds_total{<<.LabelMatchers>>}[10s])) by (<<.GroupBy>>)',
  ),
  memory: resourceRule(
    'sum(container_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
    'sum(node_memory_working_set_bytes{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  ),
  windowMs: 300_000,
};

const pod = (namespace: string, name: string): PodMeta => ({
  namespace,
  name,
  labels: { app: name },
  creationTimestamp: '',
});
const PODS = [pod('default', 'web-2'), pod('kube-system', 'dns'), pod('default', 'web-1')];
const NODES: NodeMeta[] = [
  { name: 'n2', labels: {} },
  { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
];
const cache = <T>(items: readonly T[], keyOf: (t: T) => string) => ({
  items: () => items,
  get: (key: string) => items.find((i) => keyOf(i) === key),
});

const near = (quantity: string, want: number, tolerance: number): void => {
  const got = parseQuantity(quantity);
  assert.ok(Math.abs(got - want) <= tolerance, `${quantity} is not within ${tolerance} of ${want}`);
};

describe('external and resource metrics against a real Prometheus', () => {
  let app: Running;
  let appUrl = '';
  let prometheus: TestPrometheus;
  let client: HttpPrometheusClient;
  const kubelet = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(kubeletText());
  });
  const signal = new AbortController().signal;

  before(async () => {
    const port = await freePort();
    app = startProcess('node', [SAMPLE_APP], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    });
    appUrl = `http://127.0.0.1:${port}`;
    polled(
      await pollUntil(
        async () => (await fetch(`${appUrl}/metrics`)).ok,
        (up) => up,
        { timeoutMs: 10_000, intervalMs: 200 },
      ),
      'sample app',
    );
    const kubeletAddress = await listen(kubelet);
    prometheus = await startPrometheus([
      { address: `127.0.0.1:${port}`, labels: { namespace: 'work', queue_name: 'hpa-demo' } },
      { address: kubeletAddress, labels: { node: 'n1' } },
    ]);
    client = createPrometheusClient({ baseUrl: prometheus.url });
    const put = await fetch(`${appUrl}/queue?depth=7`, { method: 'PUT' });
    assert.equal(put.status, 200);
    polled(
      await pollUntil(
        async () => {
          const depth = await client.query('queue_depth', Date.now() / 1000);
          const rate = await client.query(
            'irate(node_cpu_usage_seconds_total[10s])',
            Date.now() / 1000,
          );
          return (
            depth.type === 'vector' &&
            depth.samples[0]?.value === 7 &&
            rate.type === 'vector' &&
            rate.samples.length === 1
          );
        },
        (ready) => ready,
        { timeoutMs: 30_000, intervalMs: 250 },
      ),
      'queue_depth 7 and two cpu samples',
    );
  });

  after(async () => {
    await client.close();
    await prometheus.stop();
    await app.stop();
    kubelet.closeAllConnections();
    await new Promise((resolve) => kubelet.close(resolve));
  });

  describe('external.metrics.k8s.io over the sample app queue depth', () => {
    let external: ExternalMetricsProvider;
    const get = (namespace: string, metric: string, selector = '') =>
      external.get({ namespace, metric, selector: parseLabelSelector(selector) }, signal);

    before(async () => {
      const rules = [
        externalRule('queue_depth', 'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue_name)'),
        externalRule(
          'queue_depth_anywhere',
          'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue_name)',
          false,
        ),
        externalRule('queue_depth_scalar', 'scalar(sum(<<.Series>>{<<.LabelMatchers>>}))'),
        externalRule('queue_depth_matrix', '<<.Series>>{<<.LabelMatchers>>}[1m]'),
      ];
      const relister = createRelister({
        client,
        rules: () => rules,
        intervalMs: 60_000,
        maxAgeMs: 600_000,
        concurrency: 2,
        now: () => Date.now(),
        logger: silentLogger(),
      });
      const index = await relister.runOnce();
      external = createExternalProvider({
        index: () => index,
        prometheus: client,
        now: () => Date.now(),
        logger: silentLogger(),
      });
    });

    it('discovers the metric from the series and lists every rule name', () => {
      assert.deepEqual(external.listMetrics(), [
        'queue_depth',
        'queue_depth_anywhere',
        'queue_depth_matrix',
        'queue_depth_scalar',
      ]);
    });

    it('namespaced: the request namespace and the metric selector become matchers', async () => {
      const before = Date.now() / 1000;
      const [item, ...rest] = await get('work', 'queue_depth', 'queue_name=hpa-demo');
      assert.deepEqual(rest, []);
      assert.deepEqual(item?.metricLabels, { queue_name: 'hpa-demo' });
      assert.equal(item?.value, '7');
      assert.ok(
        item !== undefined &&
          item.timestamp >= before - 0.001 &&
          item.timestamp <= Date.now() / 1000,
      );
      assert.deepEqual(await get('other', 'queue_depth'), []);
      assert.deepEqual(await get('work', 'queue_depth', 'queue_name=nope'), []);
    });

    it('namespaced: false ignores the request namespace', async () => {
      assert.equal((await get('other', 'queue_depth_anywhere'))[0]?.value, '7');
    });

    it('scalar → metricLabels null; fractional values as milli-quantities', async () => {
      await fetch(`${appUrl}/queue?depth=1.5`, { method: 'PUT' });
      polled(
        await pollUntil(
          async () => (await get('work', 'queue_depth'))[0]?.value,
          (value) => value === '1500m',
          { timeoutMs: 10_000, intervalMs: 250 },
        ),
        'queue_depth 1.5',
      );
      assert.deepEqual(
        (await get('work', 'queue_depth_scalar')).map((v) => [v.metricLabels, v.value]),
        [[null, '1500m']],
      );
    });

    it('matrix → 500; unknown metric → 404', async () => {
      await assert.rejects(
        get('work', 'queue_depth_matrix'),
        (err: unknown) => err instanceof ApiError && err.code === 500 && err.reason === '',
      );
      await assert.rejects(
        get('work', 'nope'),
        (err: unknown) =>
          err instanceof ApiError &&
          err.code === 404 &&
          err.message === 'the server could not find the metric nope for namespaces',
      );
    });
  });

  describe('metrics.k8s.io over kubelet-shaped series', () => {
    const resources = () =>
      createResourceProvider({
        pods: cache(PODS, (p) => `${p.namespace}/${p.name}`),
        nodes: cache(NODES, (n) => n.name),
        rules: () => RESOURCE_RULES,
        prometheus: client,
        now: () => Date.now(),
        logger: silentLogger(),
      });
    const everything = parseLabelSelector('');
    const noFields = parseFieldSelector('');

    it('pods: per-container usage, pods without memory omitted, sorted', async () => {
      const pods = await resources().listPods('', everything, noFields, signal);
      assert.deepEqual(
        pods.map((p) => `${p.namespace}/${p.name}`),
        ['default/web-1', 'kube-system/dns'],
      );
      const [web, dns] = pods;
      assert.deepEqual(
        web?.containers.map((c) => [c.name, c.usage.memory]),
        [
          ['app', 1048576000n],
          ['side', 1048577000n],
        ],
      );
      const cpu = web?.containers.map((c) => Number(c.usage.cpu)) ?? [];
      assert.ok(
        Math.abs((cpu[0] ?? 0) - 250) <= 15 && Math.abs((cpu[1] ?? 0) - 500) <= 25,
        `millicores: ${cpu.join(', ')}`,
      );
      assert.equal(dns?.containers[0]?.usage.memory, 500000n);
    });

    it('the API layer prints `1Mi`, `1048577`, `500`, `2Gi` and the window', async () => {
      const provider = resources();
      const nowMs = Date.now();
      const at = (path: string, accept?: string) => {
        const [p = '', q = ''] = path.split('?');
        const request = { segments: p.split('/'), query: new URLSearchParams(q), accept, signal };
        return handleResourceMetrics(request, provider, nowMs);
      };
      const web = (await at('namespaces/default/pods/web-1')) as {
        window: string;
        containers: { name: string; usage: { cpu: string; memory: string } }[];
      };
      assert.equal(web.window, '5m0s');
      assert.deepEqual(
        web.containers.map((c) => [c.name, c.usage.memory]),
        [
          ['app', '1Mi'],
          ['side', '1048577'],
        ],
      );
      near(web.containers[0]?.usage.cpu ?? '', 0.25, 0.015);
      const dns = (await at('namespaces/kube-system/pods')) as {
        items: { containers: { usage: { memory: string } }[] }[];
      };
      assert.equal(dns.items[0]?.containers[0]?.usage.memory, '500');
      const nodes = (await at('nodes')) as {
        items: { metadata: { name: string }; usage: { cpu: string; memory: string } }[];
      };
      assert.deepEqual(
        nodes.items.map((n) => [n.metadata.name, n.usage.memory]),
        [['n1', '2Gi']],
      );
      near(nodes.items[0]?.usage.cpu ?? '', 1.5, 0.05);
      const table = (await at('pods', 'application/json;as=Table;v=v1;g=meta.k8s.io')) as {
        rows: { cells: string[] }[];
      };
      assert.deepEqual(
        table.rows.map((r) => [r.cells[0], r.cells[2], r.cells[3]]),
        [
          ['web-1', '2097153', '5m0s'],
          ['dns', '500', '5m0s'],
        ],
      );
    });

    it('nodes without data 404; a pod without memory 404s', async () => {
      await assert.rejects(
        resources().getNode('n2', signal),
        (err: unknown) => err instanceof ApiError && err.code === 404,
      );
      await assert.rejects(
        resources().getPod('default', 'web-2', signal),
        (err: unknown) =>
          err instanceof ApiError &&
          err.message === 'podmetrics.metrics.k8s.io "default/web-2" not found',
      );
    });
  });
});
