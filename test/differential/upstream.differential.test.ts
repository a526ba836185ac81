/**
 * Differential test: upstream prometheus-adapter v0.12.0 and ours, started with the same flags and
 * the same --config against the same Prometheus and the same real kube-apiserver (the local
 * cluster, slot 6), get the same requests with the same client identity; the answers must match
 * except for the named differences in allow-list.ts, which docs/compatibility.md lists.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clusterDown, clusterUp, e2eClusterEnv, e2eSkipReason, run } from '../e2e/local-cluster.ts';
import type { Running } from '../support/processes.ts';
import { ALLOW_LIST } from './allow-list.ts';
import { judge, normalise, quantity, table, type Answer, type Verdict } from './compare.ts';
import { PROBES } from './probes.ts';
import {
  createObjects,
  oursArgv,
  pollFor,
  startAdapter,
  startExporter,
  startPrometheus,
  startSampleApps,
  upstreamBinary,
  stopServer,
  type Adapter,
  type Identities,
} from './stack.ts';

const ENV: Record<string, string> = { ...e2eClusterEnv(6), K8S_PA_NODE_NAME: 'k8spa-diff-node' };
const CLUSTER_DIR = ENV['K8S_PA_CLUSTER_DIR'] ?? '';
const KUBECONFIG = join(CLUSTER_DIR, 'kubeconfig');
const CACHE = ENV['K8S_PA_CACHE'] ?? join(homedir(), '.cache', 'k8s-prometheus-adapter');
const KUBECTL = join(CACHE, 'kube-v1.34.4', 'bin', 'kubectl');

let skipReason = e2eSkipReason();
let clusterStarted = false;
let dir = '';
const procs: Running[] = [];
let exporter: Server | undefined;
let upstream: Adapter | undefined;
let ours: Adapter | undefined;
let identities: Identities | undefined;

before(async () => {
  if (skipReason !== undefined) return;
  const bin = await upstreamBinary(ENV);
  if (bin === undefined) {
    skipReason = 'upstream prometheus-adapter v0.12.0 is not cached and could not be built';
    return;
  }
  dir = await mkdtemp(join(tmpdir(), 'k8spa-diff-'));
  clusterStarted = true;
  await clusterUp(ENV);
  const kubectl = (...args: string[]) => run(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], ENV);
  await createObjects(kubectl, dir);
  const ports = await startSampleApps(procs);
  const exp = await startExporter();
  exporter = exp.server;
  const prometheusUrl = await startPrometheus(dir, ports, exp.port, procs);
  const client = {
    cert: await readFile(join(CLUSTER_DIR, 'pki', 'admin.crt'), 'utf8'),
    key: await readFile(join(CLUSTER_DIR, 'pki', 'admin.key'), 'utf8'),
  };
  const token = (await kubectl('-n', 'diff-a', 'create', 'token', 'diff-reader')).trim();
  identities = { admin: client, token: { token }, anonymous: {} };
  const start = (name: string, argv: readonly [string, ...string[]]) =>
    startAdapter(name, argv, {
      dir,
      kubeconfig: KUBECONFIG,
      prometheusUrl,
      client,
      started: procs,
    });
  // Both start at once; allSettled, so a failure of one never leaves the other still polling.
  const [up, me] = await Promise.allSettled([
    start('upstream', [bin]),
    start('ours', [process.execPath, ...oursArgv()]),
  ]);
  if (up.status === 'rejected') throw up.reason;
  if (me.status === 'rejected') throw me.reason;
  upstream = up.value;
  ours = me.value;
});

after(async () => {
  await Promise.allSettled([...procs.map((p) => p.stop()), stopServer(exporter)]);
  // K8S_PA_DIFF_KEEP_CLUSTER=1 leaves the slot's cluster up for the next run (debugging only).
  if (clusterStarted && process.env['K8S_PA_DIFF_KEEP_CLUSTER'] !== '1') await clusterDown(ENV);
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** The names in an APIResourceList, sorted (upstream's order is random). */
const resourceNames = async (a: Adapter, path: string): Promise<string> => {
  const ans = await a.get(path);
  const body = ans.body as { resources?: { name?: string }[] } | null;
  return JSON.stringify((body?.resources ?? []).map((r) => r.name ?? '').sort());
};

test(
  'upstream v0.12.0 and ours answer the same requests alike, but for the allow-list',
  { timeout: 300_000 },
  async (t) => {
    if (skipReason !== undefined) {
      t.skip(skipReason);
      return;
    }
    assert.ok(upstream !== undefined && ours !== undefined && identities !== undefined);
    const who = identities;
    const up = upstream;
    const me = ours;
    // Both relist on their own clocks: wait until both list the same, complete discovery.
    const lists = ['/apis/custom.metrics.k8s.io/v1beta1', '/apis/external.metrics.k8s.io/v1beta1'];
    const expected = [
      'pods/queue_depth',
      'nodes/diff_node_temperature',
      'diff_odd_value',
      'pods/http_requests_per_second',
    ];
    await pollFor(
      'both adapters listing the same metrics',
      async () => {
        const a = await Promise.all(lists.map((p) => resourceNames(up, p)));
        const b = await Promise.all(lists.map((p) => resourceNames(me, p)));
        const all = a.join();
        return a.join() === b.join() && expected.every((m) => all.includes(`"${m}"`))
          ? true
          : undefined;
      },
      60_000,
    );
    // The rate (of a counter each 1 s scrape increments) ramps up while its 5 s window fills:
    // wait until both adapters see it settled near 1/s for both pods.
    const rate = PROBES.find((p) => p.volatile === true)?.path ?? '';
    const settled = (x: Answer) => {
      const items = (x.body as { items?: { value?: string }[] } | null)?.items ?? [];
      return (
        x.status === 200 &&
        items.length === 2 &&
        items.every((i) => (quantity(i.value ?? '') ?? 0) >= 0.8)
      );
    };
    await pollFor(
      'a settled rate for every sample app',
      async () => {
        const [a, b] = await Promise.all([up.get(rate), me.get(rate)]);
        return settled(a) && settled(b) ? true : undefined;
      },
      30_000,
    );

    const verdicts: Verdict[] = [];
    for (const probe of PROBES) {
      const as = who[probe.as ?? 'admin'];
      const [a, b] = await Promise.all([
        up.get(probe.path, as, probe.accept),
        me.get(probe.path, as, probe.accept),
      ]);
      verdicts.push(judge(probe, normalise(a, up.port), normalise(b, me.port), ALLOW_LIST));
    }
    console.log(`\n${table(verdicts)}\n`);

    const failures = verdicts.filter((v) => v.diffs.length > 0);
    for (const v of failures)
      console.log(
        `${v.probe.id} ${v.probe.path}\n  ${v.diffs.join('\n  ')}\n  upstream: ${JSON.stringify(v.upstream.body)}\n  ours:     ${JSON.stringify(v.ours.body)}`,
      );
    if (failures.length > 0)
      for (const a of [up, me]) {
        const errors = a.proc
          .output()
          .split('\n')
          .filter((l) => /error|^E\d{4}/i.test(l))
          .slice(-15);
        console.log(`${a.name} logged:\n  ${errors.join('\n  ')}`);
      }
    const seen = new Set(verdicts.flatMap((v) => v.allowed));
    const unseen = ALLOW_LIST.filter((e) => e.always && !seen.has(e.id)).map((e) => e.id);
    assert.deepEqual(
      failures.map((v) => `${v.probe.id}: ${v.diffs.join('; ')}`),
      [],
      'differences not on the allow-list',
    );
    assert.deepEqual(unseen, [], 'allow-list entries not seen in this run (stale entries?)');
  },
);
