/**
 * The custom-metrics path end to end on real components except the kube API: a real Prometheus
 * (Debian's) scraping real sample apps every second, the adapter binary serving HTTPS, and an
 * in-process fake kube API (a real cluster is impossible here; the e2e test uses one).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, quantityFromFloat } from '../../src/kubernetes/quantity.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { harnessSuite, waitListed } from './harness.ts';

const V1 = '/apis/custom.metrics.k8s.io/v1beta1';
const V2 = '/apis/custom.metrics.k8s.io/v1beta2';
/** The default --batch-window (3 s) plus a margin for the clock's second. */
const BATCH_LAG_S = 4;

interface Item {
  readonly describedObject: Record<string, string>;
  readonly metricName?: string;
  readonly metric?: { name: string };
  readonly timestamp: string;
  readonly value: string;
}

const items = (body: string): Item[] => (JSON.parse(body) as { items: Item[] }).items;

describe('custom.metrics.k8s.io against a real Prometheus', { timeout: 180_000 }, () => {
  const suite = harnessSuite(3, ['--rate-interval=30s', '--v=6']);

  it('lists pods/http_requests in discovery once Prometheus has the series', async () => {
    const names = await waitListed(suite.adapter, 'pods/http_requests');
    assert.ok(names.includes('namespaces/http_requests'));
    assert.ok(names.includes('nodes/http_requests'));
  });

  it('pods/* by label selector equals what Prometheus computes at the same time', async () => {
    await suite.h.apps[0]!.hit(40);
    await suite.h.apps[1]!.hit(10);
    // Wait until Prometheus has a rate for every pod (two scrapes each) and sees pod 0's traffic,
    // as of BATCH_LAG_S ago: a batched request is evaluated at the start of its batch window
    // (--batch-window, 3 s by default), so up to 3 s before it was sent. (Waiting only 2 s failed
    // in CI: the window's start fell before pods 0 and 2 had their second scrape, and that one
    // batch also answered the next two tests' requests, sent within the same window.)
    polled(
      await pollUntil(
        async () => {
          const r = (await suite.h.prometheus.query(
            'rate(http_requests_total{namespace="default"}[30s])',
            Date.now() / 1000 - BATCH_LAG_S,
          )) as { result: { metric: { pod: string }; value: [number, string] }[] };
          const pod0 = r.result.find((x) => x.metric.pod === 'sample-app-0');
          return r.result.length === 3 && Number(pod0?.value[1] ?? 0) > 0;
        },
        (seen) => seen,
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
      'prometheus sees traffic',
    );
    const before = suite.h.proxy.queries.length;
    const res = await suite.adapter.get(
      `${V1}/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app`,
    );
    assert.equal(res.status, 200, res.body);
    const got = items(res.body);
    assert.deepEqual(
      got.map((i) => i.describedObject['name']),
      ['sample-app-0', 'sample-app-1', 'sample-app-2'],
    );

    const sent = suite.h.proxy.queries.slice(before).at(-1);
    assert.ok(sent, 'the adapter queried Prometheus');
    assert.equal(
      sent.query,
      'sum(rate(http_requests_total{namespace="default",pod=~"sample-app-0|sample-app-1|sample-app-2"}[30s])) by (pod)',
    );
    // Ask Prometheus itself the same question at the same instant.
    const direct = (await suite.h.prometheus.query(
      'sum(rate(http_requests_total{namespace="default",pod=~"sample-app-.*"}[30s])) by (pod)',
      Number(sent.time),
    )) as { result: { metric: { pod: string }; value: [number, string] }[] };
    for (const item of got) {
      const want = direct.result.find((r) => r.metric.pod === item.describedObject['name']);
      assert.ok(want, `prometheus has ${item.describedObject['name']}`);
      assert.equal(item.value, quantityFromFloat(Number(want.value[1]), 'DecimalSI'));
      assert.equal(Date.parse(item.timestamp) / 1000, Math.floor(want.value[0]));
    }
    assert.notEqual(got[0]!.value, '0');
    assert.deepEqual(got[0]!.describedObject, {
      kind: 'Pod',
      namespace: 'default',
      name: 'sample-app-0',
      apiVersion: 'v1',
    });
  });

  it('rises after requests are sent', async () => {
    const path = `${V1}/namespaces/default/pods/sample-app-2/http_requests`;
    // At rest a pod's rate is Prometheus's own scrapes (the sample app counts /metrics too, one
    // a second here), so the hit pod is compared with an untouched one read at the same time.
    const rateOf = async (pod: string) =>
      parseQuantity(
        items((await suite.adapter.get(path.replace('sample-app-2', pod))).body)[0]!.value,
      );
    assert.ok((await rateOf('sample-app-2')) < 2, 'at rest: scrapes only');
    await suite.h.apps[2]!.hit(60);
    polled(
      await pollUntil(
        () => Promise.all([rateOf('sample-app-2'), rateOf('sample-app-1')]),
        ([hit, untouched]) => hit > untouched + 0.5,
        { timeoutMs: 20_000, intervalMs: 200 },
      ),
      'sample-app-2 rate above an untouched pod',
    );
  });

  it('serves single objects, root-scoped objects and namespace metrics, in both versions', async () => {
    const cases = [
      {
        path: `${V1}/namespaces/default/pods/sample-app-0/http_requests`,
        kind: 'Pod',
        name: 'sample-app-0',
      },
      {
        path: `${V2}/namespaces/default/pods/sample-app-0/http_requests`,
        kind: 'Pod',
        name: 'sample-app-0',
      },
      { path: `${V1}/nodes/node-1/http_requests`, kind: 'Node', name: 'node-1' },
      { path: `${V1}/nodes/*/http_requests`, kind: 'Node', name: 'node-1' },
      {
        path: `${V1}/namespaces/default/metrics/http_requests`,
        kind: 'Namespace',
        name: 'default',
      },
    ];
    for (const c of cases) {
      const res = await suite.adapter.get(c.path);
      assert.equal(res.status, 200, `${c.path}: ${res.body}`);
      const [item, ...rest] = items(res.body);
      assert.equal(rest.length, 0, c.path);
      assert.equal(item?.describedObject['kind'], c.kind, c.path);
      assert.equal(item?.describedObject['name'], c.name, c.path);
      assert.equal(c.path.startsWith(V2) ? item?.metric?.name : item?.metricName, 'http_requests');
    }
  });

  it('answers unknown metrics and objects with NotFound Status', async () => {
    const cases = [
      {
        path: `${V1}/namespaces/default/pods/*/nope`,
        message: 'the server could not find the metric nope for pods',
      },
      {
        path: `${V1}/namespaces/default/pods/missing/http_requests`,
        message: 'the server could not find the metric http_requests for pods missing',
      },
    ];
    for (const c of cases) {
      const res = await suite.adapter.get(c.path);
      assert.equal(res.status, 404);
      const status = JSON.parse(res.body) as { kind: string; reason: string; message: string };
      assert.deepEqual(
        [status.kind, status.reason, status.message],
        ['Status', 'NotFound', c.message],
      );
    }
  });

  it('exposes its own metrics, including the Prometheus client histogram', async () => {
    const res = await suite.adapter.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(
      res.body,
      /prometheus_adapter_prometheus_client_request_duration_seconds_count\{path="\/api\/v1\/query"/,
    );
    assert.match(
      res.body,
      /prometheus_adapter_metrics_indexed\{api="custom.metrics.k8s.io"\} [1-9]/,
    );
    assert.match(
      res.body,
      /prometheus_adapter_api_requests_total\{group="custom.metrics.k8s.io",code="200"\} [1-9]/,
    );
    assert.match(
      res.body,
      /prometheus_adapter_coalesced_lookups_total\{what="query",shared="false"\} [1-9]/,
    );
  });
});
