/**
 * `explain` against a real Prometheus (Debian's) scraping real sample apps and an in-process fake
 * kube API (a real cluster is impossible here): the `explain` subcommand of the compiled binary,
 * and `/debug/explain` on a running adapter, for the walkthrough's pods/http_requests (the rate of
 * http_requests_total, from the config-gen rules written to a file) and for a misspelt metric.
 * EXPLAIN_CAPTURE=<dir> keeps the outputs (the README's sessions are trimmed from them).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import type { Explanation } from '../../src/explain/types.ts';
import { polled, pollUntil } from '../support/poll.ts';
import {
  ADAPTER_ARGV,
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from './harness.ts';

const run = promisify(execFile);
const PODS = 'custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*';
const WALKTHROUGH = `${PODS}/http_requests?labelSelector=app=sample-app`;
const MISSPELT = `${PODS}/http_request?labelSelector=app=sample-app`;

interface Cli {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('explain against a real Prometheus', { timeout: 180_000 }, () => {
  let h: Harness | undefined;
  let adapter: RunningAdapter | undefined;
  const started = () => {
    if (h === undefined || adapter === undefined) throw new Error('the harness has not started');
    return { h, adapter };
  };
  const config = () => join(started().h.dir, 'config.yaml');

  before(async () => {
    h = await startHarness(2);
    const generated = await run(process.execPath, [
      ...ADAPTER_ARGV,
      'config-gen',
      '--rate-interval=30s',
    ]);
    await writeFile(join(h.dir, 'config.yaml'), generated.stdout);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${join(h.dir, 'config.yaml')}`,
    ]);
    await waitListed(adapter, 'pods/http_requests');
    await h.apps[0]?.hit(20);
    // Both pods have a rate (two scrapes each) before anything is explained.
    polled(
      await pollUntil(
        async () =>
          (
            (await h?.prometheus.query(
              'rate(http_requests_total{namespace="default"}[30s])',
              Date.now() / 1000,
            )) as {
              result: unknown[];
            }
          ).result.length,
        (n) => n === 2,
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
      'prometheus has a rate for both pods',
    );
  });
  after(async () => {
    await adapter?.stop();
    await h?.stop();
  });

  const cli = async (path: string, output: 'text' | 'json'): Promise<Cli> => {
    const { h } = started();
    const args = [
      ...ADAPTER_ARGV,
      'explain',
      `--config=${config()}`,
      `--prometheus-url=${h.proxy.url}/`,
      `--kubeconfig=${join(h.dir, 'kubeconfig')}`,
      '--metrics-relist-interval=1m',
      `--output=${output}`,
      path,
    ];
    try {
      const { stdout, stderr } = await run(process.execPath, args);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const capture = async (name: string, text: string) => {
    const dir = process.env['EXPLAIN_CAPTURE'];
    if (dir !== undefined && dir !== '') await writeFile(join(dir, name), text);
  };

  it('the CLI explains the walkthrough metric: rule, objects, PromQL, samples, values', async () => {
    const res = await cli(WALKTHROUGH, 'json');
    assert.equal(res.code, 0, res.stderr);
    const e = JSON.parse(res.stdout) as Explanation;
    assert.equal(e.request.route, 'custom metric of pods in namespace default selected by label');
    assert.equal(e.rule?.seriesName, 'http_requests_total');
    assert.equal(e.rule?.file, config());
    assert.ok((e.rule?.line ?? 0) > 1);
    assert.deepEqual(e.objects, ['sample-app-0', 'sample-app-1']);
    assert.equal(
      e.queries[0]?.promql,
      'sum(rate(http_requests_total{namespace="default",pod=~"sample-app-0|sample-app-1"}[30s])) by (pod)',
    );
    assert.equal(e.queries[0]?.samples.length, 2);
    assert.deepEqual(
      e.outcomes.map((o) => [o.name, o.fate.kind]),
      [
        ['sample-app-0', 'served'],
        ['sample-app-1', 'served'],
      ],
    );
    // The values are the answer's, and the answer's are Prometheus's samples converted.
    const items = (
      e.answer.body as { items: { describedObject: { name: string }; value: string }[] }
    ).items;
    assert.deepEqual(
      items.map((i) => [i.describedObject.name, i.value]),
      e.outcomes.map((o) => [o.name, o.fate.kind === 'served' ? o.fate.value : '']),
    );
    assert.equal(e.verdict, '200: 2 value(s) served');
    await capture('walkthrough.txt', (await cli(WALKTHROUGH, 'text')).stdout);
  });

  it('the CLI explains a misspelt metric: 404, the rules that came close, did you mean', async () => {
    const res = await cli(MISSPELT, 'json');
    assert.equal(res.code, 1, 'not a 200');
    const e = JSON.parse(res.stdout) as Explanation;
    assert.equal(e.answer.status, 404);
    assert.equal(e.rule, undefined);
    assert.equal(e.didYouMean[0], 'pods/http_requests');
    const close = e.nearMisses.flatMap((m) => m.reasons.map((r) => r.message));
    assert.ok(
      close.includes('series http_requests_total is served as http_requests, not http_request'),
      close.join('\n'),
    );
    assert.equal(
      e.verdict,
      '404: no rule serves pods/http_request; did you mean pods/http_requests?',
    );
    await capture('misspelt.txt', (await cli(MISSPELT, 'text')).stdout);
  });

  it('/debug/explain on the running adapter gives the same explanation, as text and JSON', async () => {
    const { adapter } = started();
    const target = (path: string, extra = '') =>
      `/debug/explain?path=${encodeURIComponent(path)}${extra}`;
    const json = await adapter.get(target(WALKTHROUGH, '&output=json'));
    assert.equal(json.status, 200, json.body);
    const e = JSON.parse(json.body) as Explanation;
    assert.equal(e.rule?.seriesName, 'http_requests_total');
    assert.deepEqual(e.objects, ['sample-app-0', 'sample-app-1']);
    assert.equal(e.verdict, '200: 2 value(s) served');
    const text = await adapter.get(target(MISSPELT));
    assert.equal(text.status, 200);
    assert.match(text.headers['content-type'] as string, /^text\/plain/);
    assert.match(text.body, /^ +did you mean: pods\/http_requests, /m);
    assert.match(text.body, /^Verdict {5}404: no rule serves pods\/http_request;/m);
    await capture('debug-explain.txt', text.body);
  });

  it('/debug/explain covers resource metrics: the cpu and memory queries of config-gen', async () => {
    const { adapter } = started();
    const path = 'metrics.k8s.io/v1beta1/namespaces/default/pods';
    const res = await adapter.get(`/debug/explain?path=${encodeURIComponent(path)}&output=json`);
    assert.equal(res.status, 200, res.body);
    const e = JSON.parse(res.body) as Explanation;
    assert.equal(e.request.api, 'resource');
    assert.equal(e.rule?.path, 'resourceRules');
    assert.deepEqual(
      e.queries.map((q) => /container_\w+/.exec(q.promql)?.[0]),
      ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
    );
    // The harness scrapes no cAdvisor: no samples, so no pod gets a value.
    assert.equal(e.answer.status, 200);
    assert.deepEqual((e.answer.body as { items: unknown[] }).items, []);
  });

  it('exposes per-rule health on /metrics: series, metrics and request latency per rule', async () => {
    const { adapter } = started();
    assert.equal((await adapter.get(`/apis/${WALKTHROUGH}`)).status, 200);
    const body = (await adapter.get('/metrics')).body;
    // rules[4] is config-gen's `_total` rule (http_requests_total); rules[0] (cadvisor) finds nothing.
    const line = (metric: string, rule: number, value: string) =>
      new RegExp(
        String.raw`^prometheus_adapter_rule_${metric}\{rule="${rule}",name="(?:[^"\\]|\\.)*"\} ${value}$`,
        'm',
      );
    assert.match(body, line('series', 4, '[1-9]\\d*'));
    assert.match(body, line('metrics', 0, '0'));
    assert.match(body, line('query_duration_seconds_count', 4, '1'));
  });
});
