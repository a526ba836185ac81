// End-to-end: external.metrics.k8s.io and metrics.k8s.io (issue 5) on a real kube-apiserver
// aggregator and HPA controller. One adapter serves all three APIs from one --config
// (deploy/metrics-apis/adapter-config.yaml); `kubectl top` is checked against /proc, and two HPAs
// (type: Resource cpu, type: External queue_depth) scale out and back in, their timelines printed.
// Its own cluster (slot 2: state dir, ports, bridge k8spa2, 10.244.20.0/24), always torn down.
// Needs root; skips otherwise (and with SKIP_E2E=1).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext } from 'node:test';
import { noteRescales, scaleOutAndIn, type Scenario } from './hpa-timeline.ts';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  podProcessUsage,
  run,
  stepRunner,
  waitApiServicesAvailable,
} from './local-cluster.ts';
import {
  deployMetricsApis,
  kubectlJson,
  onlyPod,
  parseTop,
  putToPod,
  runningPods,
} from './metrics-apis-cluster.ts';
import { pollUntil } from '../support/poll.ts';
import { createTimeline } from './timeline.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const REPO = REPO_ROOT;
const ENV = e2eClusterEnv(2);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const BRIDGE = ENV.K8S_PA_BRIDGE ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const MIN = 60_000;
const MI = 1024 ** 2;
/** Most cores a reading may show: irate over two samples a scrape apart can read a little over. */
const MAX_CORES = cpus().length * 1.1;
/** One pod burns this much of its 100m request (75% against 50%): 2 replicas. */
const BURN_MILLICORES = 75;
/** queue_depth against averageValue 10: 3 workers. */
const QUEUE_DEPTH = 30;
const EXTERNAL_METRIC =
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=job%3Dkubernetes-pods';
const API_SERVICES = [
  'v1beta1.custom.metrics.k8s.io',
  'v1beta1.external.metrics.k8s.io',
  'v1beta1.metrics.k8s.io',
];

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const mi = (bytes: number) => `${(bytes / MI).toFixed(1)}Mi`;
const milli = (cores: number) => `${(cores * 1000).toFixed(0)}m`;
/** Diagnostics one line each (a multi-line diagnostic is printed with escaped newlines). */
const print = (t: TestContext, title: string, text: string | readonly string[]) => {
  t.diagnostic(title);
  for (const line of typeof text === 'string' ? text.trimEnd().split('\n') : text)
    t.diagnostic(`  ${line}`);
};

/** `kubectl top pod` of the burning pod once it shows the burn, and the rate /proc saw meanwhile. */
const burnSeenByTop = async (pod: { name: string; uid: string }) => {
  const before = await podProcessUsage(BRIDGE, pod.uid);
  const t0 = Date.now();
  const top = await pollUntil(
    async () => parseTop(await kubectl('top', 'pod', pod.name), 1, 2)[0]?.cpu ?? 0,
    (cpu) => cpu >= (BURN_MILLICORES / 1000) * 0.6,
    { timeoutMs: 60_000, intervalMs: 3000 },
  );
  const now = await podProcessUsage(BRIDGE, pod.uid);
  const procRate = (now.cpuSeconds - before.cpuSeconds) / ((Date.now() - t0) / 1000);
  return { top: top.value ?? 0, ok: top.ok, procRate };
};

/** Both HPA scenarios: burn 75m on the one cpu-burner pod; set queue_depth on the queue pod. */
const scenarios = async () => {
  const burner = await onlyPod(kubectl, 'cpu-burner');
  const queue = await onlyPod(kubectl, 'queue');
  const state: { burn?: ReturnType<typeof burnSeenByTop> } = {};
  const cpu: Scenario = {
    name: 'cpu-burner',
    outTo: Math.ceil(BURN_MILLICORES / 50),
    up: async (tl) => {
      const reply = await putToPod(burner.ip, `/burn?millicores=${BURN_MILLICORES}`);
      tl.note(`PUT /burn?millicores=${BURN_MILLICORES} on ${burner.name}: ${reply}`);
      // Alongside the replica polling, so the timeline misses nothing.
      state.burn = burnSeenByTop(burner).then((b) => {
        tl.note(
          `kubectl top pod ${burner.name}: ${milli(b.top)}; /proc meanwhile ${milli(b.procRate)}`,
        );
        return b;
      });
    },
    down: async (tl) => {
      tl.note(
        `PUT /burn?millicores=0 on ${burner.name}: ${await putToPod(burner.ip, '/burn?millicores=0')}`,
      );
    },
  };
  const external: Scenario = {
    name: 'queue-worker',
    outTo: QUEUE_DEPTH / 10,
    up: async (tl) => {
      await putToPod(queue.ip, `/queue?depth=${QUEUE_DEPTH}`);
      tl.note(`PUT /queue?depth=${QUEUE_DEPTH} on ${queue.name}`);
    },
    down: async (tl) => {
      await putToPod(queue.ip, '/queue?depth=0');
      tl.note(`PUT /queue?depth=0 on ${queue.name}`);
    },
  };
  return { cpu, external, burn: () => state.burn };
};

describe(
  'metrics.k8s.io and external.metrics.k8s.io on a local cluster',
  { skip: e2eSkipReason() ?? false, timeout: 15 * MIN },
  () => {
    const { step, failed } = stepRunner();

    before(() => freshCluster(ENV), { timeout: 45 * MIN });

    after(
      async () => {
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,hpa', '-A', '-o', 'wide'),
            kubectl('get', 'apiservices', ...API_SERVICES),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
            kubectl('describe', 'hpa'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    step('applies Prometheus, the adapter with one --config, and the workloads', 3 * MIN, () =>
      deployMetricsApis(kubectl, { repo: REPO, dir: DIR }),
    );

    step('the three APIServices become Available=True', 3 * MIN, async (t) => {
      await waitApiServicesAvailable(t, kubectl, API_SERVICES, 2 * MIN);
    });

    step('kubectl top nodes: cpu plausible, memory matches /proc/meminfo', 2 * MIN, async (t) => {
      const node = ENV.K8S_PA_NODE_NAME ?? '';
      const r = await pollUntil(
        () => kubectl('top', 'nodes'),
        (s) => parseTop(s, 1, 3).some((row) => row.names[0] === node),
        { timeoutMs: 90_000, intervalMs: 3000 },
      );
      print(t, `kubectl top nodes (after ${r.seconds}s):`, r.value ?? errorText(r.lastError));
      const row = parseTop(r.value ?? '', 1, 3).find((x) => x.names[0] === node);
      assert.ok(row, `node ${node} missing from kubectl top nodes: ${errorText(r.lastError)}`);
      const meminfo = await readFile('/proc/meminfo', 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1]);
      const used = (kb('MemTotal') - kb('MemAvailable')) * 1024;
      t.diagnostic(`/proc/meminfo MemTotal − MemAvailable: ${mi(used)}`);
      assert.ok(
        row.cpu > 0 && row.cpu <= MAX_CORES,
        `node cpu ${row.cpu} not in (0, ${MAX_CORES}]`,
      );
      // Other processes on the machine come and go between the scrape and this read.
      assert.ok(
        Math.abs(row.memory - used) <= Math.max(0.25 * used, 128 * MI),
        `node memory ${mi(row.memory)} vs /proc ${mi(used)}`,
      );
    });

    step(
      'kubectl top pods -A lists every running pod, memory matching /proc',
      2 * MIN,
      async (t) => {
        const key = (ns: string, name: string) => `${ns}/${name}`;
        const r = await pollUntil(
          async () => ({
            text: await kubectl('top', 'pods', '-A'),
            pods: await runningPods(kubectl, '-A'),
          }),
          (v) => {
            const listed = parseTop(v.text, 2, 3).map((row) => row.names.join('/'));
            const want = v.pods.map((p) => key(p.metadata.namespace, p.metadata.name));
            return JSON.stringify(listed.sort()) === JSON.stringify(want.sort());
          },
          { timeoutMs: 90_000, intervalMs: 3000 },
        );
        print(
          t,
          `kubectl top pods -A (after ${r.seconds}s):`,
          r.value?.text ?? errorText(r.lastError),
        );
        assert.ok(r.ok && r.value, 'kubectl top pods -A lists exactly the running pods');
        for (const row of parseTop(r.value.text, 2, 3)) {
          const name = row.names.join('/');
          const pod = r.value.pods.find((p) => key(p.metadata.namespace, p.metadata.name) === name);
          assert.ok(pod, `pod ${name} is running`);
          const proc = await podProcessUsage(BRIDGE, pod.metadata.uid);
          const line = `${name}: top ${milli(row.cpu)} ${mi(row.memory)}; /proc VmRSS ${mi(proc.rssBytes)} (pids ${proc.pids.join(',')})`;
          t.diagnostic(line);
          assert.ok(proc.rssBytes > 0, `no processes for ${line}`);
          assert.ok(
            Math.abs(row.memory - proc.rssBytes) <= Math.max(0.3 * proc.rssBytes, 16 * MI),
            line,
          );
          assert.ok(row.cpu >= 0 && row.cpu <= MAX_CORES, line);
        }
      },
    );

    step('external queue_depth is served and both HPAs read their metrics', 2 * MIN, async (t) => {
      const ext = await pollUntil(
        () => kubectlJson<{ items: { value: string }[] }>(kubectl, 'get', '--raw', EXTERNAL_METRIC),
        (l) => l.items.length === 1,
        { timeoutMs: 60_000, intervalMs: 3000 },
      );
      t.diagnostic(
        `${EXTERNAL_METRIC} after ${ext.seconds}s: ${JSON.stringify(ext.value?.items ?? errorText(ext.lastError))}`,
      );
      assert.equal(ext.value?.items[0]?.value, '0', 'queue_depth is 0 at rest');
      for (const hpa of ['cpu-burner', 'queue-worker']) {
        const r = await pollUntil(
          () =>
            kubectl(
              'get',
              'hpa',
              hpa,
              '-o',
              'jsonpath={.status.conditions[?(@.type=="ScalingActive")].status}',
            ),
          (s) => s === 'True',
          { timeoutMs: 60_000, intervalMs: 3000 },
        );
        t.diagnostic(`hpa/${hpa} ScalingActive after ${r.seconds}s`);
        assert.ok(
          r.ok,
          `hpa/${hpa} not ScalingActive: ${await kubectl('describe', 'hpa', hpa).catch(errorText)}`,
        );
      }
    });

    step(
      'the cpu and the external HPA scale out and back in (concurrently)',
      6 * MIN,
      async (t) => {
        const start = Date.now();
        const s = await scenarios();
        const timelines = { cpu: createTimeline(start), external: createTimeline(start) };
        // allSettled: a failing scenario must not leave the other polling a cluster being torn down.
        const [cs, es] = await Promise.allSettled([
          scaleOutAndIn(kubectl, s.cpu, timelines.cpu),
          scaleOutAndIn(kubectl, s.external, timelines.external),
        ]);
        const burn = await s.burn();
        await noteRescales(kubectl, s.cpu.name, timelines.cpu).catch(() => undefined);
        await noteRescales(kubectl, s.external.name, timelines.external).catch(() => undefined);
        print(
          t,
          'HPA cpu-burner (type: Resource, cpu averageUtilization 50% of a 100m request):',
          timelines.cpu.lines(),
        );
        print(
          t,
          'HPA queue-worker (type: External, queue_depth averageValue 10):',
          timelines.external.lines(),
        );
        if (cs.status === 'rejected') throw cs.reason;
        if (es.status === 'rejected') throw es.reason;
        const [c, e] = [cs.value, es.value];
        assert.ok(burn?.ok, `kubectl top never showed the burn: ${JSON.stringify(burn)}`);
        assert.ok(
          Math.abs(burn.top - burn.procRate) <= 0.05,
          `top ${milli(burn.top)} vs /proc ${milli(burn.procRate)}`,
        );
        assert.ok(c.out.ok, `cpu HPA did not settle at ${s.cpu.outTo}: ${c.out.value?.text}`);
        assert.ok(c.back?.ok, `cpu HPA did not scale back to 1: ${c.back?.value?.text}`);
        assert.ok(
          e.out.ok,
          `external HPA did not settle at ${s.external.outTo}: ${e.out.value?.text}`,
        );
        assert.ok(e.back?.ok, `external HPA did not scale back to 1: ${e.back?.value?.text}`);
      },
    );
  },
);
