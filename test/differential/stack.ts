/**
 * What the differential test runs: the objects in its cluster slot, the sample apps and a
 * synthetic exporter scraped by one Prometheus, and the two adapters (upstream v0.12.0 and ours)
 * started with the same flags against that Prometheus and that kube-apiserver.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from '../e2e/local-cluster.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { answerOf, type Answer } from './compare.ts';
import {
  ADAPTER_CONFIG,
  PODS,
  SAMPLE_PODS,
  SYNTHETIC_METRICS,
  clusterObjects,
  prometheusConfig,
} from './fixtures.ts';

/** Polls `check` until it gives a value (not undefined) or `timeoutMs` passes; no fixed sleeps. */
export const pollFor = async <T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

export type Kubectl = (...args: string[]) => Promise<string>;

/** Creates the namespaces, nodes, pods (status patched to Running), Service and Deployment. */
export const createObjects = async (kubectl: Kubectl, dir: string): Promise<void> => {
  const file = join(dir, 'objects.json');
  await writeFile(file, clusterObjects());
  await kubectl('apply', '-f', file);
  for (const p of PODS.filter((x) => x.running))
    await kubectl(
      ...['-n', p.ns, 'patch', 'pod', p.name, '--subresource=status', '--type=merge'],
      ...['-p', JSON.stringify({ status: { phase: 'Running' } })],
    );
};

/**
 * The sample apps (host processes), each with its queue_depth gauge set; every process is added
 * to `started` as soon as it is spawned (the caller stops them, whatever fails later).
 */
export const startSampleApps = async (started: Running[]): Promise<number[]> => {
  const ports: number[] = [];
  for (const p of SAMPLE_PODS) {
    const port = await freePort();
    started.push(
      startProcess(process.execPath, [join(REPO_ROOT, 'examples/sample-app/main.js')], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HOSTNAME: p.pod },
      }),
    );
    ports.push(port);
    await pollFor(
      `${p.pod} queue_depth set`,
      async () =>
        (await fetch(`http://127.0.0.1:${port}/queue?depth=${p.depth}`, { method: 'PUT' })).ok
          ? true
          : undefined,
      10_000,
    );
  }
  return ports;
};

/** The synthetic exporter: a fixed /metrics page. */
export const startExporter = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(SYNTHETIC_METRICS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('exporter has no port');
  return { port: address.port, server };
};

export const stopServer = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (server === undefined || !server.listening) resolve();
    else {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    }
  });

/** Prometheus (Debian's package) scraping the sample apps and the exporter every second. */
export const startPrometheus = async (
  dir: string,
  samplePorts: readonly number[],
  exporterPort: number,
  started: Running[],
): Promise<string> => {
  const port = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), prometheusConfig(samplePorts, exporterPort));
  const proc = startProcess('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  started.push(proc);
  const url = `http://127.0.0.1:${port}`;
  // Ready when every target has been scraped: the sample apps' and the exporter's series exist.
  const query = encodeURIComponent('count(up == 1)');
  await pollFor(
    'prometheus scraping all targets',
    async () => {
      const body = (await (await fetch(`${url}/api/v1/query?query=${query}`)).json()) as {
        data?: { result?: { value?: [number, string] }[] };
      };
      return body.data?.result?.[0]?.value?.[1] === String(samplePorts.length + 1)
        ? true
        : undefined;
    },
    30_000,
  ).catch((err: unknown) => {
    throw new Error(`prometheus not scraping: ${proc.output()}`, { cause: err });
  });
  return url;
};

/**
 * Who sends a request (both adapters see the same): a client certificate of the cluster's CA
 * (the admin's, group system:masters), a bearer token the cluster knows, or nobody.
 */
export interface Identity {
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

/** What a probe names (`admin`, default; `token`; `anonymous`) mapped to credentials. */
export type Identities = Readonly<Record<'admin' | 'token' | 'anonymous', Identity>>;

export interface Adapter {
  readonly name: string;
  readonly port: number;
  readonly proc: Running;
  get(path: string, who?: Identity, accept?: string): Promise<Answer>;
}

/** GET over HTTPS as `who` (the adapters serve self-signed certificates: not checked here). */
export const httpsGet = (
  port: number,
  path: string,
  who: Identity,
  accept = 'application/json',
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        rejectUnauthorized: false,
        agent: false,
        timeout: 10_000,
        ...(who.cert === undefined ? {} : { cert: who.cert, key: who.key }),
        headers: {
          accept,
          ...(who.token === undefined ? {} : { authorization: `Bearer ${who.token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(answerOf(res.statusCode ?? 0, text, res.headers['content-type'] ?? ''));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });

/**
 * Our adapter: K8S_PA_DIFF_OURS (a main.js to test instead), else the product build (dist/),
 * else the development build of src/.
 */
export const oursArgv = (): string[] => {
  const chosen = process.env['K8S_PA_DIFF_OURS'];
  if (chosen !== undefined && chosen !== '') return [chosen];
  const dist = join(REPO_ROOT, 'dist/main.js');
  return [existsSync(dist) ? dist : join(REPO_ROOT, 'build/src/main.js')];
};

/** Starts one adapter with the shared flags; resolves once /readyz answers 200. */
export interface AdapterSetup {
  /** Working directory: the shared --config, and a folder per adapter for its certificates. */
  readonly dir: string;
  readonly kubeconfig: string;
  readonly prometheusUrl: string;
  /** Who the readiness checks run as. */
  readonly client: Identity;
  /** Each process is added here as soon as it is spawned (the caller stops them). */
  readonly started: Running[];
}

/** The flags both adapters get: the shared --config and kubeconfigs, their own port and certs. */
export const adapterFlags = (port: number, certDir: string, setup: AdapterSetup): string[] => [
  `--secure-port=${port}`,
  '--bind-address=127.0.0.1',
  `--cert-dir=${certDir}`,
  `--lister-kubeconfig=${setup.kubeconfig}`,
  `--authentication-kubeconfig=${setup.kubeconfig}`,
  `--authorization-kubeconfig=${setup.kubeconfig}`,
  `--prometheus-url=${setup.prometheusUrl}/`,
  `--config=${join(setup.dir, 'adapter-config.yaml')}`,
];

export const startAdapter = async (
  name: string,
  argv: readonly [string, ...string[]],
  setup: AdapterSetup,
): Promise<Adapter> => {
  const { dir, client, started } = setup;
  const port = await freePort();
  const own = join(dir, name);
  await mkdir(own, { recursive: true });
  const config = join(dir, 'adapter-config.yaml');
  if (!existsSync(config)) await writeFile(config, ADAPTER_CONFIG);
  const [command, ...pre] = argv;
  const proc = startProcess(command, [
    ...pre,
    ...adapterFlags(port, join(own, 'certs'), setup),
    '--metrics-relist-interval=2s',
    '--metrics-max-age=1m',
  ]);
  started.push(proc);
  const get = (path: string, who: Identity = client, accept?: string) =>
    httpsGet(port, path, who, accept);
  const ready = await pollFor(
    `${name} ready`,
    async () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return 'exited';
      return (await get('/readyz')).status === 200 ? 'ready' : undefined;
    },
    60_000,
  ).catch(() => 'not ready');
  if (ready !== 'ready') {
    const output = proc.output();
    throw new Error(`${name} ${ready}:\n${output}`);
  }
  return { name, port, proc, get };
};

/**
 * The cached upstream v0.12.0 binary (K8S_PA_CACHE or ~/.cache/k8s-prometheus-adapter), else
 * built (slow, needs go); undefined when neither works.
 */
export const upstreamBinary = async (env: Record<string, string>): Promise<string | undefined> => {
  const cache = env['K8S_PA_CACHE'] ?? join(homedir(), '.cache', 'k8s-prometheus-adapter');
  const cached = join(cache, 'upstream-adapter-v0.12.0', 'bin', 'adapter');
  if (existsSync(cached)) return cached;
  try {
    const script = join(REPO_ROOT, 'scripts/upstream/build-upstream.sh');
    const out = await run('bash', [script], env, 1_800_000);
    const bin = out.trim().split('\n').pop() ?? '';
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
};
