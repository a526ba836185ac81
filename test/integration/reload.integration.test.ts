/**
 * Hot reload of --config on the built adapter (real Prometheus, fake kube API): the config lives in
 * a ConfigMap-like volume whose `..data` symlink is swapped. A rewrite that adds a rule makes its
 * metric appear in discovery within seconds; a broken rewrite changes nothing and flips
 * prometheus_adapter_config_last_reload_successful to 0; SIGHUP re-reads it; a deleted file keeps
 * the last good config and is reported; and requests made all along never see an error.
 */
import { unlink } from 'node:fs/promises';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { configMapVolume, type ConfigMapVolume } from '../support/configmap-volume.ts';
import { polled, pollUntil } from '../support/poll.ts';
import {
  listedResources,
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from './harness.ts';

const RULE = (series: string, as: string) => `- seriesQuery: '${series}{namespace!="",pod!=""}'
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: ^${series}$, as: ${as}}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
`;
const ONE = `rules:\n${RULE('http_requests_total', 'http_requests')}`;
const TWO = `${ONE}${RULE('queue_depth', 'queue_depth')}`;
const EXTERNAL = `externalRules:
- seriesQuery: 'queue_depth{namespace!=""}'
  resources: {overrides: {namespace: {resource: namespace}}}
  name: {matches: ^queue_depth$, as: queue_depth_total}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>})
`;
/** A schema problem and a rule problem: both must be reported, nothing applied. */
const BROKEN = `${TWO}- seriesQuery: up\n  bogus: true\n- seriesQuery: up\n  resources: {overrides: {pod: {resource: nosuchthings}}}\n`;

const PODS = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests';
const reloadGauge = (metrics: string): string | undefined =>
  /^prometheus_adapter_config_last_reload_successful (\S+)$/m.exec(metrics)?.[1];

/** Requests made back to back until stopped; every answer that is not 200 is kept. */
const continuousRequests = (adapter: RunningAdapter) => {
  let stopped = false;
  let count = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      for (const path of [PODS, '/apis/custom.metrics.k8s.io/v1beta1']) {
        const r = await adapter
          .get(path)
          .catch((err: unknown) => ({ status: 0, body: String(err) }));
        count++;
        if (r.status !== 200) failures.push(`${path}: ${r.status} ${r.body.slice(0, 200)}`);
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { count, failures };
    },
  };
};

describe('--config hot reload', { timeout: 180_000 }, () => {
  let h: Harness | undefined;
  let adapter: RunningAdapter | undefined;
  let volume: ConfigMapVolume | undefined;
  before(async () => {
    h = await startHarness(1);
    volume = await configMapVolume('config.yaml', h.dir);
    await volume.publish(ONE);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
      `--config=${volume.file}`,
    ]);
  });
  after(async () => {
    await adapter?.stop();
    await h?.stop();
  });

  it('applies a good rewrite within seconds and ignores a broken one, with no failed request', async () => {
    const a = adapter!;
    const vol = volume!;
    await waitListed(a, 'pods/http_requests');
    polled(
      await pollUntil(
        () => a.get(PODS),
        (r) => r.status === 200,
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
      'pods/*/http_requests answers',
    );
    assert.equal(reloadGauge((await a.get('/metrics')).body), '1');
    const load = continuousRequests(a);

    const published = Date.now();
    await vol.publish(TWO);
    await waitListed(a, 'pods/queue_depth', 15_000);
    const seconds = (Date.now() - published) / 1000;
    assert.ok(seconds < 10, `new metric listed after ${seconds} s`);
    const listed = (await listedResources(a)).sort();

    await vol.publish(BROKEN);
    const flipped = await pollUntil(
      async () => reloadGauge((await a.get('/metrics')).body),
      (v) => v === '0',
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    assert.ok(flipped.ok, `reload gauge: ${String(flipped.value)}`);
    // A few relists later the served metrics are still exactly the good config's.
    const relisted = await pollUntil(
      async () =>
        JSON.parse((await a.get('/status?format=json')).body) as { relist: { lastRunAt: number } },
      (s) => s.relist.lastRunAt > Date.now() - 500 && s.relist.lastRunAt > published,
      { timeoutMs: 10_000, intervalMs: 300 },
    );
    assert.ok(relisted.ok);
    assert.deepEqual((await listedResources(a)).sort(), listed);
    const out = a.process.output();
    assert.match(out, /config reload failed; still serving the last good config/);
    assert.match(out, /config\.yaml:\d+:\d+: rules\[2\]\.bogus/);
    assert.match(out, /config\.yaml:\d+:\d+: rules\[3\]/);

    const { count, failures } = await load.stop();
    assert.deepEqual(failures, [], `${failures.length} of ${count} requests failed`);
    assert.ok(count > 20, `only ${count} requests made`);
  });

  it('SIGHUP re-reads the config (and does not stop the adapter)', async () => {
    const a = adapter!;
    const before = (a.process.output().match(/"reason":"SIGHUP"/g) ?? []).length;
    a.process.child.kill('SIGHUP');
    const seen = await pollUntil(
      () => Promise.resolve((a.process.output().match(/"reason":"SIGHUP"/g) ?? []).length),
      (n) => n > before,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    assert.ok(seen.ok, 'a SIGHUP reload was logged');
    assert.equal(a.process.child.exitCode, null);
    assert.equal((await a.get('/readyz')).status, 200);
  });

  it('the API groups follow the config: externalRules added, then removed', async () => {
    const a = adapter!;
    const groups = async () =>
      (JSON.parse((await a.get('/apis')).body) as { groups: { name: string }[] }).groups.map(
        (g) => g.name,
      );
    assert.ok(!(await groups()).includes('external.metrics.k8s.io'));
    await volume!.publish(`${TWO}${EXTERNAL}`);
    const added = await pollUntil(groups, (g) => g.includes('external.metrics.k8s.io'), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    assert.ok(added.ok, String(added.value));
    const metric = await pollUntil(
      () => a.get('/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth_total'),
      (r) => r.status === 200,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    assert.ok(metric.ok, metric.value?.body);
    await volume!.publish(TWO);
    const removed = await pollUntil(groups, (g) => !g.includes('external.metrics.k8s.io'), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    assert.ok(removed.ok, String(removed.value));
  });

  it('a deleted config file keeps the last good config, and says so', async () => {
    const a = adapter!;
    const vol = volume!;
    await vol.publish(TWO);
    polled(
      await pollUntil(
        async () => reloadGauge((await a.get('/metrics')).body),
        (v) => v === '1',
        { timeoutMs: 15_000, intervalMs: 200 },
      ),
      'the good config reloaded',
    );
    const listed = (await listedResources(a)).sort();
    await unlink(vol.file);
    const reported = await pollUntil(
      async () =>
        JSON.parse((await a.get('/status?format=json')).body) as {
          config: { lastReload: { ok: boolean; error?: string } };
        },
      (s) => !s.config.lastReload.ok,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    assert.ok(reported.ok, JSON.stringify(reported.value));
    assert.match(
      reported.value?.config.lastReload.error ?? '',
      /cannot read .*config\.yaml: ENOENT/,
    );
    assert.equal(reloadGauge((await a.get('/metrics')).body), '0');
    assert.deepEqual((await listedResources(a)).sort(), listed);
  });
});
