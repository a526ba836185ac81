/**
 * Integration harness: sample apps, a real Prometheus scraping them (through a recording proxy
 * for the adapter), an in-process fake kube API (the real cluster is the e2e test's business), and
 * the adapter binary itself (`src/main.ts`, compiled) started as a child process on a free port.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { polled, pollUntil } from '../support/poll.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import { createFakeKubeApi, type FakeKubeApi, type RunningFake } from '../support/fake-kube-api.ts';

const COMPILED_MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
/** How to start the adapter: the compiled binary, or the sources through tsx (`npx tsx --test`). */
export const ADAPTER_ARGV: readonly string[] = existsSync(COMPILED_MAIN)
  ? [COMPILED_MAIN]
  : ['--import', 'tsx', fileURLToPath(new URL('../../src/main.ts', import.meta.url))];
export const SAMPLE_APP = join(REPO_ROOT, 'examples/sample-app/main.js');

export interface SampleApp {
  readonly name: string;
  readonly port: number;
  readonly process: Running;
  /** Sends `n` requests, 10 at a time. */
  hit(n: number): Promise<void>;
}

export const startSampleApp = async (name: string): Promise<SampleApp> => {
  const port = await freePort();
  const proc = startProcess(process.execPath, [SAMPLE_APP], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HOSTNAME: name },
  });
  const base = `http://127.0.0.1:${port}`;
  polled(
    await pollUntil(
      async () => (await fetch(`${base}/metrics`)).ok,
      (up) => up,
      { timeoutMs: 10_000, intervalMs: 200 },
    ),
    `${name} listening`,
  );
  const hit = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, async () => (await fetch(`${base}/`)).text()),
      );
    }
  };
  return { name, port, process: proc, hit };
};

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** GET over HTTPS to the adapter (its self-signed certificate is not what this test checks). */
export const httpsGet = (
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpsAnswer> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

export const kubeconfigFor = (server: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server } }],
    users: [{ name: 'fake', user: {} }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
    'current-context': 'fake',
  });

/**
 * The fake kube API answers every SubjectAccessReview with allowed (authorization itself is tested
 * in src/auth; here the request still takes the real delegated path).
 */
export const allowEveryAccessReview = (kube: FakeKubeApi): void => {
  kube.route('/apis/authorization.k8s.io/v1/subjectaccessreviews', (req, res) => {
    const review = JSON.parse(req.body) as Record<string, unknown>;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...review, status: { allowed: true, reason: 'test harness' } }));
  });
};

/** The fake kube API of a harness: the apps as pods `app=sample-app`, every review allowed. */
export const fakeKubeFor = (apps: readonly SampleApp[]): FakeKubeApi => {
  const kube = createFakeKubeApi();
  kube.setPods('default', [
    ...apps.map((a) => ({ name: a.name, labels: { app: 'sample-app' } })),
    { name: 'unrelated', labels: { app: 'other' } },
  ]);
  kube.setNamespaces([{ name: 'default' }]);
  kube.setNodes([{ name: 'node-1' }]);
  allowEveryAccessReview(kube);
  return kube;
};

export interface Harness {
  readonly dir: string;
  readonly apps: readonly SampleApp[];
  readonly prometheus: TestPrometheus;
  readonly proxy: RecordingProxy;
  readonly kube: FakeKubeApi;
  readonly kubeServer: RunningFake;
  stop(): Promise<void>;
}

/**
 * Starts `count` sample apps as pods `sample-app-<i>` in namespace default on node `node-1`;
 * `extraLabels` are added to every scraped series.
 */
export const startHarness = async (
  count: number,
  extraLabels: Readonly<Record<string, string>> = {},
): Promise<Harness> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-it-'));
  const apps = await Promise.all(
    Array.from({ length: count }, (_, i) => startSampleApp(`sample-app-${i}`)),
  );
  const prometheus = await startPrometheus(
    apps.map((a) => ({
      address: `127.0.0.1:${a.port}`,
      labels: { namespace: 'default', pod: a.name, node: 'node-1', ...extraLabels },
    })),
  );
  const proxy = await startRecordingProxy(prometheus.url);
  const kube = fakeKubeFor(apps);
  const kubeServer = await kube.start();
  await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(kubeServer.url));
  const stop = async (): Promise<void> => {
    await Promise.allSettled([
      proxy.stop(),
      kubeServer.stop(),
      prometheus.stop(),
      ...apps.map((a) => a.process.stop()),
    ]);
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, apps, prometheus, proxy, kube, kubeServer, stop };
};

export interface RunningAdapter {
  readonly port: number;
  readonly process: Running;
  get(path: string, headers?: Record<string, string>): Promise<HttpsAnswer>;
  stop(): Promise<void>;
}

/** Where the adapter finds its kubeconfig (`<dir>/kubeconfig`) and Prometheus. */
export interface AdapterEnv {
  readonly dir: string;
  readonly prometheusUrl: string;
}

/**
 * Starts the adapter and waits until it is ready (`/readyz`), or with `until: 'healthz'` only until
 * it serves at all (for tests of a not-ready adapter).
 */
export const startAdapter = async (
  env: AdapterEnv,
  extraArgs: readonly string[],
  until: 'readyz' | 'healthz' = 'readyz',
): Promise<RunningAdapter> => {
  const port = await freePort();
  // ADAPTER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is for profiling by hand.
  const nodeArgs = (process.env['ADAPTER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const proc = startProcess(process.execPath, [
    ...nodeArgs,
    ...ADAPTER_ARGV,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    `--cert-dir=${join(env.dir, 'certs')}`,
    `--lister-kubeconfig=${join(env.dir, 'kubeconfig')}`,
    `--prometheus-url=${env.prometheusUrl}/`,
    '--metrics-relist-interval=1s',
    ...extraArgs,
  ]);
  const get = (path: string, headers?: Record<string, string>) => httpsGet(port, path, headers);
  try {
    polled(
      await pollUntil(
        async () => (await get(`/${until}`)).status,
        (status) => status === 200,
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
      `adapter /${until} ok`,
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`adapter did not become ready:\n${proc.output()}`, { cause: err });
  }
  return { port, process: proc, get, stop: () => proc.stop() };
};

/** The resource names (`pods/http_requests`) the adapter's custom.metrics.k8s.io discovery lists. */
export const listedResources = async (adapter: RunningAdapter): Promise<string[]> => {
  const doc = JSON.parse((await adapter.get('/apis/custom.metrics.k8s.io/v1beta1')).body) as {
    resources: { name: string }[];
  };
  return doc.resources.map((r) => r.name);
};

/** Polls discovery until it lists `resource`; gives every name listed then. */
export const waitListed = async (
  adapter: RunningAdapter,
  resource: string,
  timeoutMs = 30_000,
): Promise<string[]> =>
  polled(
    await pollUntil(
      () => listedResources(adapter),
      (names) => names.includes(resource),
      { timeoutMs, intervalMs: 200 },
    ),
    `${resource} listed`,
  );

/** A suite's harness and adapter, there once its before-hook has run. */
export interface HarnessSuite {
  readonly h: Harness;
  readonly adapter: RunningAdapter;
}

/**
 * Registers the suite's hooks: before, a harness of `count` sample apps (see startHarness) and an
 * adapter on it with `adapterArgs`; after, both stopped.
 */
export const harnessSuite = (
  count: number,
  adapterArgs: readonly string[],
  extraLabels: Readonly<Record<string, string>> = {},
): HarnessSuite => {
  let h: Harness | undefined;
  let adapter: RunningAdapter | undefined;
  before(async () => {
    h = await startHarness(count, extraLabels);
    adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, adapterArgs);
  });
  after(async () => {
    await adapter?.stop();
    await h?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the harness has not started (before-hook failed?)');
    return value;
  };
  return {
    get h() {
      return started(h);
    },
    get adapter() {
      return started(adapter);
    },
  };
};
