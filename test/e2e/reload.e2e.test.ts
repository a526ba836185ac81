// End-to-end: hot reload of the adapter's --config on a local cluster (slot 9). The walkthrough's
// Prometheus + adapter pod, with the adapter's config in a ConfigMap volume. Under load on the
// sample app and HPA-style reads through the aggregator (and the walkthrough HPA on
// pods/http_requests): a `kubectl patch` of the
// ConfigMap that adds a rule makes its metric appear in discovery through the aggregator without a
// pod restart (the node agent swaps the volume's `..data` symlink as the kubelet does); a broken
// patch changes nothing and shows in the adapter's /metrics; no read fails and the HPA logs no
// warning across both. Always torn down. Needs root; skips otherwise.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { parse } from 'yaml';
import { directGet, type AdapterTarget, type CertKey } from './direct-client.ts';
import {
  adapterPod,
  prepareWalkthrough,
  registerWalkthroughAdapter,
  targetOf,
  type AdapterPod,
} from './security-cluster.ts';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  startCurlLoad,
  stepRunner,
  stopChild,
  waitApiServicesAvailable,
} from './local-cluster.ts';
import { hpaWarningsSince, startReads } from './hpa-reads.ts';
import { pollUntil } from '../support/poll.ts';
import type { Explanation } from '../../src/explain/types.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const WALK = join(REPO_ROOT, 'deploy/walkthrough');
const ENV = e2eClusterEnv(9);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const DISCOVERY = '/apis/custom.metrics.k8s.io/v1beta1';
const METRIC = `${DISCOVERY}/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app`;
const MIN = 60_000;

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);

const RULE = (
  series: string,
  as: string,
  query: string,
) => `- seriesQuery: '${series}{namespace!="",pod!=""}'
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: ^${series}$, as: ${as}}
  metricsQuery: ${query}
`;
const HTTP = RULE(
  'http_requests_total',
  'http_requests',
  'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)',
);
const QUEUE = RULE(
  'queue_depth',
  'queue_depth',
  'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
);
const CONFIGS = {
  first: `rules:\n${HTTP}`,
  added: `rules:\n${HTTP}${QUEUE}`,
  broken: `rules:\n${HTTP}${QUEUE}- seriesQuery: up\n  metricsQeury: typo\n`,
};

interface Container {
  name: string;
  args: string[];
  volumeMounts?: { mountPath: string; name: string }[];
}
interface Deployment {
  spec: { template: { spec: { containers: Container[]; volumes: object[] } } };
}

/** The walkthrough's Prometheus + adapter pod, the adapter reading its rules from a ConfigMap. */
const deployment = async (): Promise<Deployment> => {
  const d = parse(await readFile(join(WALK, 'prom-adapter.deployment.yaml'), 'utf8')) as Deployment;
  const spec = d.spec.template.spec;
  const adapter = spec.containers.find((c) => c.name === 'cm-adapter');
  if (adapter === undefined) throw new Error('no cm-adapter container in the walkthrough');
  adapter.args = [
    ...adapter.args.filter((a) => !a.startsWith('--metrics-relist-interval')),
    '--metrics-relist-interval=5s',
    // Prometheus scrapes every 15 s: series must be looked for further back than one relist.
    '--metrics-max-age=1m',
    '--config=/etc/adapter/config.yaml',
  ];
  adapter.volumeMounts = [
    ...(adapter.volumeMounts ?? []),
    { mountPath: '/etc/adapter', name: 'adapter-config' },
  ];
  spec.volumes.push({ name: 'adapter-config', configMap: { name: 'adapter-config' } });
  return d;
};

const setConfig = (text: string) =>
  kubectl(
    '-n',
    'prom',
    'patch',
    'configmap',
    'adapter-config',
    '--type=merge',
    `-p=${JSON.stringify({ data: { 'config.yaml': text } })}`,
  );

const listed = async (): Promise<string[]> =>
  (
    JSON.parse(await kubectl('get', '--raw', DISCOVERY)) as { resources: { name: string }[] }
  ).resources
    .map((r) => r.name)
    .sort();

describe(
  'hot reload of a ConfigMap --config (issue 11)',
  { skip: e2eSkipReason() ?? false, timeout: 30 * MIN },
  () => {
    const { step, failed } = stepRunner();
    let target: AdapterTarget | undefined;
    let admin: CertKey | undefined;
    let pod: AdapterPod | undefined;
    let load: ChildProcess | undefined;
    /** The adapter's own /metrics, straight from the pod, as a cluster admin (system:masters). */
    const reloadGauge = async (): Promise<string | undefined> => {
      if (target === undefined || admin === undefined) throw new Error('not deployed');
      const r = await directGet(target, '/metrics', { clientCert: admin });
      return /^prometheus_adapter_config_last_reload_successful (\S+)$/m.exec(r.text)?.[1];
    };

    before(() => freshCluster(ENV), { timeout: 20 * MIN });
    after(
      async () => {
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices,hpa', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=60'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 3 * MIN },
    );

    step(
      'deploys Prometheus + the adapter (config in a ConfigMap), the sample app and its HPA',
      4 * MIN,
      async () => {
        const ca = await prepareWalkthrough(kubectl, REPO_ROOT, DIR);
        const first = join(DIR, 'adapter-config.yaml');
        await writeFile(first, CONFIGS.first);
        const fromFile = `--from-file=config.yaml=${first}`;
        await kubectl('-n', 'prom', 'create', 'configmap', 'adapter-config', fromFile);
        const manifest = join(DIR, 'reload-adapter.json');
        await writeFile(manifest, JSON.stringify(await deployment()));
        await kubectl('apply', '-f', manifest);
        await registerWalkthroughAdapter(kubectl, REPO_ROOT, DIR, ca);
        await kubectl('apply', '-f', join(WALK, 'sample-app.deploy.yaml'));
        await kubectl('create', 'service', 'clusterip', 'sample-app', '--tcp=80:8080');
        await kubectl('apply', '-f', join(WALK, 'sample-app-hpa.yaml'));
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prometheus', '--timeout=120s');
        pod = await adapterPod(kubectl);
        target = targetOf(pod, ca);
        const pki = (f: string) => readFile(join(DIR, 'pki', f), 'utf8');
        admin = { cert: await pki('admin.crt'), key: await pki('admin.key') };
      },
    );

    step('pods/http_requests is served through the aggregator', 4 * MIN, async (t) => {
      await waitApiServicesAvailable(t, kubectl, ['v1beta1.custom.metrics.k8s.io'], 2 * MIN);
      const r = await pollUntil(
        async () => JSON.parse(await kubectl('get', '--raw', METRIC)) as { items: unknown[] },
        (m) => m.items.length > 0,
        { timeoutMs: 2 * MIN, intervalMs: 2000 },
      );
      assert.ok(r.ok, `no metric: ${String(r.lastError)}`);
      assert.equal(await reloadGauge(), '1');
    });

    step(
      'explain on the deployed adapter: the walkthrough metric and a misspelt one',
      MIN,
      async () => {
        if (target === undefined || admin === undefined) throw new Error('not deployed');
        const [at, cert] = [target, admin];
        const explainOf = async (path: string): Promise<Explanation> => {
          const url = `/debug/explain?path=${encodeURIComponent(path)}&output=json`;
          const r = await directGet(at, url, { clientCert: cert });
          assert.equal(r.status, 200, r.text);
          return JSON.parse(r.text) as Explanation;
        };
        const served = await explainOf(METRIC);
        assert.equal(served.rule?.seriesName, 'http_requests_total');
        assert.equal(served.answer.status, 200);
        const objects = served.objects ?? [];
        assert.ok(objects.length > 0, 'objects matched');
        assert.ok(
          objects.every((o) => o.startsWith('sample-app')),
          objects.join(', '),
        );
        assert.match(served.verdict, /^200: \d+ value\(s\) served$/);
        const misspelt = await explainOf(METRIC.replace('/http_requests?', '/http_request?'));
        assert.equal(misspelt.answer.status, 404);
        assert.equal(misspelt.didYouMean[0], 'pods/http_requests');
      },
    );

    step(
      'a ConfigMap edit adds a metric without a restart; a broken edit changes nothing',
      4 * MIN,
      async (t) => {
        const since = new Date();
        const ip = await kubectl(
          'get',
          'service',
          'sample-app',
          '-o',
          'jsonpath={.spec.clusterIP}',
        );
        load = startCurlLoad(REPO_ROOT, 5, `http://${ip.trim()}/`);
        const reads = startReads(kubectl, METRIC);
        const before = await listed();
        assert.ok(!before.includes('pods/queue_depth'));

        const t0 = Date.now();
        await setConfig(CONFIGS.added);
        const added = await pollUntil(listed, (names) => names.includes('pods/queue_depth'), {
          timeoutMs: 90_000,
          intervalMs: 1000,
        });
        assert.ok(
          added.ok,
          `pods/queue_depth not listed: ${String(added.value)} ${String(added.lastError)}`,
        );
        const addedSeconds = (Date.now() - t0) / 1000;
        const withQueue = added.value ?? [];

        await setConfig(CONFIGS.broken);
        const rejected = await pollUntil(reloadGauge, (v) => v === '0', {
          timeoutMs: 90_000,
          intervalMs: 1000,
        });
        assert.ok(
          rejected.ok,
          `reload gauge ${String(rejected.value)} ${String(rejected.lastError)}`,
        );
        const rejectedSeconds = (Date.now() - t0) / 1000 - addedSeconds;
        // Two relists (5 s each) later, discovery is still the good config's.
        await new Promise((r) => setTimeout(r, 10_000));
        assert.deepEqual(await listed(), withQueue);

        const tally = await reads.stop();
        await stopChild(load);
        const now = await adapterPod(kubectl);
        assert.equal(now.uid, pod?.uid, 'the same pod');
        assert.equal(now.adapterRestarts, 0, 'no adapter restart');
        const warnings = await hpaWarningsSince(kubectl, since);
        t.diagnostic(
          `new metric listed ${addedSeconds}s after the patch, broken edit reported after ${rejectedSeconds}s; ` +
            `reads ${tally.reads}, failures ${tally.failures.length}; HPA warnings ${warnings.length}`,
        );
        assert.deepEqual(tally.failures, []);
        assert.ok(tally.reads > 20, `only ${tally.reads} reads`);
        assert.deepEqual(warnings, []);
      },
    );
  },
);
