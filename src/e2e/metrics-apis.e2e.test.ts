// End-to-end: external.metrics.k8s.io and metrics.k8s.io (issue 5) on a real kube-apiserver
// aggregator and HPA controller. One adapter serves all three APIs from one --config
// (deploy/metrics-apis/adapter-config.yaml); `kubectl top` is checked against /proc, and two HPAs
// (type: Resource cpu, type: External queue_depth) scale out and back in, their timelines printed.
// Its own cluster (slot 2: state dir, ports, bridge k8spa2, 10.244.20.0/24), always torn down.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { e2eClusterEnv, e2eSkipReason, podProcessUsage, run, runVisible } from './local-cluster.ts';
import { createTimeline, parseQuantity, pollUntil, type Timeline } from './poll.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WALK = join(REPO, 'deploy/walkthrough');
const APIS = join(REPO, 'deploy/metrics-apis');
const ENV = e2eClusterEnv(2);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const BRIDGE = ENV.K8S_PA_BRIDGE ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const MIN = 60_000;
const MI = 1024 ** 2;
/** One pod burns this much of its 100m request (75%, target 50%): 2 replicas. */
const BURN_MILLICORES = 75;
/** queue_depth over averageValue 10: 3 workers. */
const QUEUE_DEPTH = 30;
const EXTERNAL_METRIC =
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=job%3Dkubernetes-pods';
const API_SERVICES = [
  'v1beta1.custom.metrics.k8s.io',
  'v1beta1.external.metrics.k8s.io',
  'v1beta1.metrics.k8s.io',
];

const kubectl = (...args: string[]) => run(KUBECTL, args, KENV);
const kubectlJson = async <T>(...args: string[]): Promise<T> =>
  JSON.parse(await kubectl(...args)) as T;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface PodList {
  items: {
    metadata: { name: string; namespace: string; uid: string };
    status: { phase?: string; podIP?: string };
  }[];
}
const runningPods = async (...selector: string[]) =>
  (await kubectlJson<PodList>('get', 'pods', ...selector, '-o', 'json')).items.filter(
    (p) => p.status.phase === 'Running',
  );

/** `kubectl top … --no-headers` rows: the name columns, then cpu cores and memory bytes. */
interface TopRow {
  readonly names: readonly string[];
  readonly cpu: number;
  readonly memory: number;
}
const parseTop = (text: string, cpuCol: number, memCol: number): TopRow[] =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      return {
        names: cols.slice(0, cpuCol),
        cpu: parseQuantity(cols[cpuCol] ?? ''),
        memory: parseQuantity(cols[memCol] ?? ''),
      };
    });

/** PUT to port 8080 of a pod (ClusterIPs are virtual here: the host reaches pod IPs over the bridge). */
const putToPod = async (ip: string, path: string): Promise<string> => {
  const res = await fetch(`http://${ip}:8080${path}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(5000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`PUT ${path} on ${ip}: ${res.status} ${body}`);
  return body.trim();
};

const onlyPod = async (app: string) => {
  const pods = await runningPods('-l', `app=${app}`);
  const pod = pods[0];
  assert.ok(pods.length === 1 && pod?.status.podIP, `one running ${app} pod with an IP`);
  return { name: pod.metadata.name, uid: pod.metadata.uid, ip: pod.status.podIP };
};

interface ScaleState {
  items: {
    kind: string;
    spec: { replicas?: number };
    status: {
      readyReplicas?: number;
      desiredReplicas?: number;
      currentMetrics?: {
        resource?: { current: { averageUtilization?: number } };
        external?: { current: { averageValue?: string; value?: string } };
      }[];
    };
  }[];
}

/** Replicas (ready/desired) of a deployment and what its HPA of the same name currently sees. */
const scaleState = async (name: string) => {
  const list = await kubectlJson<ScaleState>('get', `deploy/${name}`, `hpa/${name}`, '-o', 'json');
  const deploy = list.items.find((i) => i.kind === 'Deployment');
  const hpa = list.items.find((i) => i.kind === 'HorizontalPodAutoscaler');
  const m = hpa?.status.currentMetrics?.[0];
  const seen =
    m?.resource?.current.averageUtilization !== undefined
      ? `cpu ${m.resource.current.averageUtilization}% of request`
      : (m?.external?.current.averageValue ?? m?.external?.current.value ?? 'no metric');
  return {
    desired: deploy?.spec.replicas ?? 0,
    ready: deploy?.status.readyReplicas ?? 0,
    text: `replicas ${deploy?.status.readyReplicas ?? 0}/${deploy?.spec.replicas ?? 0} (ready/desired); HPA sees ${seen}`,
  };
};

/** Polls until `name` holds `want` replicas (desired and ready) for `holdMs`; notes every change. */
const settlesAt = async (
  name: string,
  want: number,
  o: { timeoutMs: number; holdMs: number; timeline: Timeline },
) => {
  let since = 0;
  let last = '';
  return pollUntil(
    () => scaleState(name),
    (s) => {
      const at = s.desired === want && s.ready === want;
      since = at ? since || Date.now() : 0;
      return at && Date.now() - since >= o.holdMs;
    },
    {
      timeoutMs: o.timeoutMs,
      onTick: (s) => {
        const key = `${s.ready}/${s.desired}`;
        if (key !== last) o.timeline.note(s.text);
        last = key;
      },
    },
  );
};

/** The HPA's SuccessfulRescale events, as timeline notes (the controller's own timestamps). */
const noteRescales = async (hpa: string, timeline: Timeline): Promise<void> => {
  const events = await kubectlJson<{
    items: { reason: string; message: string; lastTimestamp?: string; eventTime?: string }[];
  }>(
    'get',
    'events',
    '--field-selector',
    `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${hpa}`,
    '-o',
    'json',
  );
  for (const e of events.items.filter((x) => x.reason === 'SuccessfulRescale'))
    timeline.note(
      `event ${e.reason}: ${e.message}`,
      Date.parse(e.lastTimestamp ?? e.eventTime ?? ''),
    );
};

/** What one HPA scenario does: a trigger up, the replicas it must reach, a trigger down. */
interface Scenario {
  readonly name: string;
  readonly up: (timeline: Timeline) => Promise<void>;
  readonly outTo: number;
  readonly down: (timeline: Timeline) => Promise<void>;
}

/** Runs a scenario: out to `outTo` (held 15s, so no overshoot), then back to 1 (held 10s). */
const scaleOutAndIn = async (s: Scenario, timeline: Timeline) => {
  await s.up(timeline);
  const out = await settlesAt(s.name, s.outTo, { timeoutMs: 150_000, holdMs: 15_000, timeline });
  if (!out.ok) return { out, back: undefined };
  timeline.note(`held ${s.outTo} replicas for 15s`);
  await s.down(timeline);
  const back = await settlesAt(s.name, 1, { timeoutMs: 150_000, holdMs: 10_000, timeline });
  if (back.ok) timeline.note('held 1 replica for 10s');
  return { out, back };
};

/** `kubectl top pod` of the burning pod once it shows the burn, and the rate /proc saw meanwhile. */
const burnSeenByTop = async (pod: { name: string; uid: string }) => {
  const before = await podProcessUsage(BRIDGE, pod.uid);
  const t0 = Date.now();
  const top = await pollUntil(
    async () => parseTop(await kubectl('top', 'pod', pod.name, '--no-headers'), 1, 2)[0]?.cpu ?? 0,
    (cpu) => cpu >= (BURN_MILLICORES / 1000) * 0.6,
    { timeoutMs: 60_000, intervalMs: 3000 },
  );
  const afterUse = await podProcessUsage(BRIDGE, pod.uid);
  const procRate = (afterUse.cpuSeconds - before.cpuSeconds) / ((Date.now() - t0) / 1000);
  return { top: top.value ?? 0, ok: top.ok, procRate };
};

describe(
  'metrics.k8s.io and external.metrics.k8s.io on a local cluster',
  { skip: e2eSkipReason() ?? false, timeout: 15 * MIN },
  () => {
    let broken = false;
    const step = (name: string, timeout: number, fn: (t: TestContext) => Promise<void>) =>
      test(name, { timeout }, async (t) => {
        if (broken) {
          t.skip('an earlier step failed');
          return;
        }
        try {
          await fn(t);
        } catch (err) {
          broken = true;
          throw err;
        }
      });

    before(
      async () => {
        await runVisible('bash', [join(REPO, 'scripts/cluster/down.sh')], ENV);
        await runVisible('bash', [join(REPO, 'scripts/cluster/up.sh')], ENV);
      },
      { timeout: 45 * MIN },
    );

    after(
      async () => {
        if (broken) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices,hpa', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
            kubectl('describe', 'hpa'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await runVisible('bash', [join(REPO, 'scripts/cluster/down.sh')], ENV);
      },
      { timeout: 2 * MIN },
    );

    step(
      'applies Prometheus, the adapter with one --config, and the workloads',
      3 * MIN,
      async () => {
        const certs = join(DIR, 'metrics-apis-certs');
        await run('bash', [join(WALK, 'gen-serving-cert.sh'), certs], KENV);
        // The walkthrough's scrape config (pods by annotation, node resource metrics), scraped every
        // 5s so cpu rates and HPA decisions follow changes quickly.
        const promCfg = (await readFile(join(WALK, 'prom-cfg.yaml'), 'utf8')).replace(
          'scrape_interval: 15s',
          'scrape_interval: 5s',
        );
        assert.match(promCfg, /scrape_interval: 5s/);
        await writeFile(join(DIR, 'prometheus.yml'), promCfg);
        await kubectl('create', 'namespace', 'prom');
        const fromFile = (key: string, file: string) => `--from-file=${key}=${file}`;
        await kubectl(
          '-n',
          'prom',
          'create',
          'configmap',
          'prometheus',
          fromFile('prometheus.yml', join(DIR, 'prometheus.yml')),
        );
        await kubectl(
          '-n',
          'prom',
          'create',
          'configmap',
          'adapter-config',
          fromFile('config.yaml', join(APIS, 'adapter-config.yaml')),
        );
        await kubectl(
          '-n',
          'prom',
          'create',
          'secret',
          'generic',
          'cm-adapter-serving-certs',
          fromFile('serving.crt', join(certs, 'serving.crt')),
          fromFile('serving.key', join(certs, 'serving.key')),
        );
        await kubectl('apply', '-f', join(WALK, 'prom-adapter.rbac.yaml'));
        await kubectl('apply', '-f', join(APIS, 'metrics-apis.rbac.yaml'));
        await kubectl('apply', '-f', join(APIS, 'prom-adapter.deployment.yaml'));
        await kubectl(
          '-n',
          'prom',
          'create',
          'service',
          'clusterip',
          'prometheus',
          '--tcp=443:6443',
        );
        const ca = (await readFile(join(certs, 'ca.crt'))).toString('base64');
        for (const file of [join(WALK, 'cm-registration.yaml'), join(APIS, 'apiservices.yaml')]) {
          const out = join(
            DIR,
            `registration-${file.includes('walkthrough') ? 'custom' : 'others'}.yaml`,
          );
          await writeFile(out, (await readFile(file, 'utf8')).replaceAll('CA_BUNDLE', ca));
          await kubectl('apply', '-f', out);
        }
        await kubectl('apply', '-f', join(APIS, 'cpu-burner.yaml'));
        await kubectl('apply', '-f', join(APIS, 'queue.yaml'));
        await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prometheus', '--timeout=120s');
        for (const d of ['cpu-burner', 'queue', 'queue-worker'])
          await kubectl('rollout', 'status', `deploy/${d}`, '--timeout=120s');
      },
    );

    step('the APIServices become Available=True', 3 * MIN, async (t) => {
      for (const name of API_SERVICES) {
        const r = await pollUntil(
          () =>
            kubectl(
              'get',
              'apiservice',
              name,
              '-o',
              'jsonpath={.status.conditions[?(@.type=="Available")].status}',
            ),
          (s) => s === 'True',
          { timeoutMs: 2 * MIN },
        );
        t.diagnostic(`${name} Available after ${r.seconds}s`);
        assert.equal(r.value, 'True', `${name} not Available: ${errorText(r.lastError)}`);
      }
    });

    step('kubectl top nodes: node cpu and memory match /proc', 2 * MIN, async (t) => {
      const r = await pollUntil(
        () => kubectl('top', 'nodes'),
        (s) => s.includes(ENV.K8S_PA_NODE_NAME ?? '?'),
        {
          timeoutMs: 90_000,
          intervalMs: 3000,
        },
      );
      t.diagnostic(
        `kubectl top nodes (after ${r.seconds}s):\n${r.value ?? errorText(r.lastError)}`,
      );
      assert.ok(r.ok, `node missing from kubectl top nodes: ${errorText(r.lastError)}`);
      const [row] = parseTop((r.value ?? '').split('\n').slice(1).join('\n'), 1, 3);
      const meminfo = await readFile('/proc/meminfo', 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1]);
      const used = (kb('MemTotal') - kb('MemAvailable')) * 1024;
      t.diagnostic(`/proc/meminfo MemTotal−MemAvailable ${(used / MI).toFixed(0)}Mi`);
      assert.ok(row, 'one node row');
      assert.ok(
        row.cpu > 0 && row.cpu <= cpus().length,
        `node cpu ${row.cpu} cores out of (0, ${cpus().length}]`,
      );
      assert.ok(
        Math.abs(row.memory - used) <= Math.max(0.25 * used, 128 * MI),
        `node memory ${(row.memory / MI).toFixed(0)}Mi vs /proc ${(used / MI).toFixed(0)}Mi`,
      );
    });

    step(
      'kubectl top pods -A lists every running pod, memory matching /proc',
      2 * MIN,
      async (t) => {
        const want = async () =>
          (await runningPods('-A')).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
        const listed = (rows: TopRow[]) => rows.map((r) => r.names.join('/')).sort();
        const r = await pollUntil(
          async () => ({ text: await kubectl('top', 'pods', '-A'), want: await want() }),
          (v) =>
            JSON.stringify(listed(parseTop(v.text.split('\n').slice(1).join('\n'), 2, 3))) ===
            JSON.stringify(v.want),
          { timeoutMs: 90_000, intervalMs: 3000 },
        );
        t.diagnostic(
          `kubectl top pods -A (after ${r.seconds}s):\n${r.value?.text ?? errorText(r.lastError)}`,
        );
        assert.ok(
          r.ok,
          `kubectl top pods -A does not list exactly the running pods ${r.value?.want.join(', ')}`,
        );
        const rows = parseTop((r.value?.text ?? '').split('\n').slice(1).join('\n'), 2, 3);
        const pods = await runningPods('-A');
        for (const row of rows) {
          const pod = pods.find(
            (p) => `${p.metadata.namespace}/${p.metadata.name}` === row.names.join('/'),
          );
          assert.ok(pod, `pod ${row.names.join('/')} is running`);
          const proc = await podProcessUsage(BRIDGE, pod.metadata.uid);
          const line = `${row.names.join('/')}: top ${(row.memory / MI).toFixed(1)}Mi, /proc VmRSS ${(proc.rssBytes / MI).toFixed(1)}Mi (pids ${proc.pids.join(',')}); cpu ${(row.cpu * 1000).toFixed(0)}m`;
          t.diagnostic(line);
          assert.ok(proc.rssBytes > 0, `no processes for ${line}`);
          assert.ok(
            Math.abs(row.memory - proc.rssBytes) <= Math.max(0.3 * proc.rssBytes, 16 * MI),
            line,
          );
          assert.ok(row.cpu >= 0 && row.cpu <= cpus().length, line);
        }
      },
    );

    step('external queue_depth is served and both HPAs read their metrics', 2 * MIN, async (t) => {
      const ext = await pollUntil(
        () =>
          kubectlJson<{ items: { value: string; metricLabels: unknown }[] }>(
            'get',
            '--raw',
            EXTERNAL_METRIC,
          ),
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
        const burner = await onlyPod('cpu-burner');
        const queue = await onlyPod('queue');
        let burnSeen: ReturnType<typeof burnSeenByTop> | undefined;
        const cpu: Scenario = {
          name: 'cpu-burner',
          outTo: Math.ceil(BURN_MILLICORES / 50),
          up: async (tl) => {
            const reply = await putToPod(burner.ip, `/burn?millicores=${BURN_MILLICORES}`);
            tl.note(`PUT /burn?millicores=${BURN_MILLICORES} on ${burner.name}: ${reply}`);
            // Runs alongside the replica polling, so the timeline misses nothing.
            burnSeen = burnSeenByTop(burner).then((b) => {
              const m = (x: number) => `${(x * 1000).toFixed(0)}m`;
              tl.note(
                `kubectl top pod ${burner.name}: ${m(b.top)}; /proc meanwhile ${m(b.procRate)}`,
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
        const timelines = { cpu: createTimeline(start), external: createTimeline(start) };
        const [c, e] = await Promise.all([
          scaleOutAndIn(cpu, timelines.cpu),
          scaleOutAndIn(external, timelines.external),
        ]);
        const burn = await burnSeen;
        await noteRescales('cpu-burner', timelines.cpu).catch(() => undefined);
        await noteRescales('queue-worker', timelines.external).catch(() => undefined);
        t.diagnostic(
          `HPA cpu-burner (type: Resource cpu, target 50% of 100m):\n${timelines.cpu.lines().join('\n')}`,
        );
        t.diagnostic(
          `HPA queue-worker (type: External queue_depth, averageValue 10):\n${timelines.external.lines().join('\n')}`,
        );
        assert.ok(burn?.ok, `kubectl top never showed the burn: ${JSON.stringify(burn)}`);
        assert.ok(
          Math.abs((burn?.top ?? 0) - (burn?.procRate ?? 0)) <= 0.05,
          `top ${burn?.top} cores vs /proc ${burn?.procRate} cores`,
        );
        assert.ok(c.out.ok, `cpu HPA did not settle at ${cpu.outTo}: ${c.out.value?.text}`);
        assert.ok(c.back?.ok, `cpu HPA did not scale back to 1: ${c.back?.value?.text}`);
        assert.ok(
          e.out.ok,
          `external HPA did not settle at ${external.outTo}: ${e.out.value?.text}`,
        );
        assert.ok(e.back?.ok, `external HPA did not scale back to 1: ${e.back?.value?.text}`);
      },
    );
  },
);
