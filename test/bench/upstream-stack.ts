/**
 * What `npm run bench:upstream` runs both adapters on: the fake kube API (discovery, pod LIST and
 * SubjectAccessReview are all these comparisons need of a kube-apiserver), a shared config, and
 * each adapter started with the differential test's shared flags (test/differential/stack.ts)
 * plus its own. Memory is read from /proc/<pid>/status (VmRSS now, VmHWM the peak).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allowEveryAccessReview, kubeconfigFor } from '../integration/harness.ts';
import { createFakeKubeApi } from '../support/fake-kube-api.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import { adapterFlags, httpsGet, oursArgv, pollFor } from '../differential/stack.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { ensureServingCert } from '../../src/serve/self-signed.ts';
import { silentLogger } from '../../src/log.ts';
import type { Answer } from '../differential/compare.ts';

/** One rule for the HPA load (http_requests_total) and the discovery series alike. */
export const BENCH_CONFIG = `rules:
- seriesQuery: '{namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: "namespace"}
      pod: {resource: "pod"}
  name:
    matches: "^(.*)_total$"
    as: "$1"
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
`;

export interface BenchKube {
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

/** The fake kube API with `pods` pods `pod-<i>` (label app=bench) in `default`. */
export const startBenchKube = async (dir: string, pods: number): Promise<BenchKube> => {
  const kube = createFakeKubeApi();
  kube.setPods(
    'default',
    Array.from({ length: pods }, (_, i) => ({ name: `pod-${i}`, labels: { app: 'bench' } })),
  );
  kube.setNamespaces([{ name: 'default' }, { name: 'bench' }]);
  allowEveryAccessReview(kube);
  const server = await kube.start();
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  await writeFile(join(dir, 'adapter-config.yaml'), BENCH_CONFIG);
  return { kubeconfig, stop: () => server.stop() };
};

export type Which = 'upstream' | 'ours';

export interface BenchAdapter {
  readonly which: Which;
  readonly port: number;
  readonly proc: Running;
  get(path: string): Promise<Answer>;
  /** MB of resident memory: now, the peak so far, and now without file-backed pages (binary text). */
  memory(): Promise<{ readonly rssMb: number; readonly peakMb: number; readonly anonMb: number }>;
  stop(): Promise<void>;
}

const kbOf = (status: string, field: string): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);

/** How the image runs node: its flags and environment (scripts/image/node-runtime.json). */
interface NodeRuntime {
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const nodeRuntime = async (): Promise<NodeRuntime> =>
  JSON.parse(
    await readFile(join(REPO_ROOT, 'scripts/image/node-runtime.json'), 'utf8'),
  ) as NodeRuntime;

/** ADAPTER_NODE_ARGS (e.g. `--heap-prof`) go to our adapter's node, for profiling by hand. */
const nodeArgs = (): string[] =>
  (process.env['ADAPTER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');

/** Starts one adapter (not waiting for readiness); `extra` flags come after the shared ones. */
export const launchAdapter = async (
  which: Which,
  upstreamBin: string,
  setup: { readonly dir: string; readonly kubeconfig: string; readonly prometheusUrl: string },
  extra: readonly string[],
): Promise<BenchAdapter> => {
  const port = await freePort();
  const certs = join(setup.dir, `${which}-certs`);
  // Serving certificates exist before the adapter starts, as when deployed (a Secret): neither
  // adapter spends start-up time or memory generating them.
  await ensureServingCert({ certDir: certs, logger: silentLogger() });
  const flags = adapterFlags(port, certs, { ...setup, client: {}, started: [] });
  // Ours runs as the image runs it (node flags and environment).
  const runtime = await nodeRuntime();
  const proc =
    which === 'upstream'
      ? startProcess(upstreamBin, [...flags, '--v=0', ...extra])
      : startProcess(
          process.execPath,
          [...runtime.flags, ...nodeArgs(), ...oursArgv(), ...flags, ...extra],
          { env: { ...process.env, ...runtime.env } },
        );
  const pid = proc.child.pid;
  const memory = async () => {
    const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
    return {
      rssMb: kbOf(status, 'VmRSS') / 1024,
      peakMb: kbOf(status, 'VmHWM') / 1024,
      anonMb: kbOf(status, 'RssAnon') / 1024,
    };
  };
  return {
    which,
    port,
    proc,
    get: (path) => httpsGet(port, path, {}),
    memory,
    stop: () => proc.stop(),
  };
};

/** Resolves once `/readyz` answers 200; throws with the adapter's output if it exits first. */
export const waitReady = async (adapter: BenchAdapter, timeoutMs: number): Promise<void> => {
  const state = await pollFor(
    `${adapter.which} ready`,
    async () => {
      const { exitCode, signalCode } = adapter.proc.child;
      if (exitCode !== null || signalCode !== null) return 'exited';
      return (await adapter.get('/readyz')).status === 200 ? 'ready' : undefined;
    },
    timeoutMs,
    100,
  );
  if (state !== 'ready') throw new Error(`${adapter.which} exited:\n${adapter.proc.output()}`);
};

/** The `pods/<metric>` names the adapter's custom metrics discovery lists. */
export const listedCount = async (adapter: BenchAdapter, prefix: string): Promise<number> => {
  const answer = await adapter.get('/apis/custom.metrics.k8s.io/v1beta1');
  if (answer.status !== 200) return 0;
  const doc = answer.body as { resources?: { name: string }[] } | null;
  return (doc?.resources ?? []).filter((r) => r.name.startsWith(`pods/${prefix}`)).length;
};
