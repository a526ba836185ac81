/**
 * The metrics-apis e2e's cluster side: Prometheus and the adapter (all three APIs from one
 * --config) plus the cpu-burner and queue workloads deployed with kubectl, and small helpers to
 * find pods, talk to them, and read `kubectl top`.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseQuantity } from '../../src/kubernetes/quantity.ts';
import { run } from './local-cluster.ts';

/** One `kubectl top` column as a number; the error names the text (`<unknown>` while metrics warm up). */
const quantity = (text: string): number => {
  try {
    return parseQuantity(text);
  } catch (err) {
    throw new Error(`not a quantity: ${JSON.stringify(text)}`, { cause: err });
  }
};

/** The kubectl of one cluster (its binary, with the cluster's KUBECONFIG). */
export type Kubectl = (...args: string[]) => Promise<string>;

/** kubectl with JSON output parsed. */
export const kubectlJson = async <T>(kubectl: Kubectl, ...args: string[]): Promise<T> =>
  JSON.parse(await kubectl(...args)) as T;

interface PodList {
  items: {
    metadata: { name: string; namespace: string; uid: string };
    status: { phase?: string; podIP?: string };
  }[];
}

/** Running pods matching the kubectl arguments (`-A`, `-l app=x`). */
export const runningPods = async (kubectl: Kubectl, ...selector: string[]) =>
  (await kubectlJson<PodList>(kubectl, 'get', 'pods', ...selector, '-o', 'json')).items.filter(
    (p) => p.status.phase === 'Running',
  );

/** The one running pod labelled app=`app`; fails the test when there is not exactly one. */
export const onlyPod = async (kubectl: Kubectl, app: string) => {
  const pods = await runningPods(kubectl, '-l', `app=${app}`);
  const pod = pods[0];
  assert.ok(pods.length === 1 && pod?.status.podIP, `one running ${app} pod with an IP`);
  return { name: pod.metadata.name, uid: pod.metadata.uid, ip: pod.status.podIP };
};

/** PUT to port 8080 of a pod (ClusterIPs are virtual here: the host reaches pod IPs over the bridge). */
export const putToPod = async (ip: string, path: string): Promise<string> => {
  const res = await fetch(`http://${ip}:8080${path}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(5000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`PUT ${path} on ${ip}: ${res.status} ${body}`);
  return body.trim();
};

/** One row of `kubectl top`: the name columns, then cpu in cores and memory in bytes. */
export interface TopRow {
  readonly names: readonly string[];
  readonly cpu: number;
  readonly memory: number;
}

/** Parses `kubectl top` output (header line skipped) given the cpu and memory column indexes. */
export const parseTop = (text: string, cpuCol: number, memCol: number): TopRow[] =>
  text
    .trim()
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      return {
        names: cols.slice(0, cpuCol),
        cpu: quantity(cols[cpuCol] ?? ''),
        memory: quantity(cols[memCol] ?? ''),
      };
    });

/** Where the manifests are and where generated files go. */
export interface DeployPaths {
  readonly repo: string;
  /** The cluster's state directory (certificates and substituted manifests are written there). */
  readonly dir: string;
}

/**
 * Deploys with kubectl: the walkthrough's scrape config (scraped every 5s, so cpu rates and HPA
 * decisions follow changes quickly), the adapter's `--config` (deploy/metrics-apis), serving
 * certificates, RBAC, the three APIServices with the CA bundle, and the workloads; waits for the
 * rollouts.
 */
export const deployMetricsApis = async (kubectl: Kubectl, p: DeployPaths): Promise<void> => {
  const walk = join(p.repo, 'deploy/walkthrough');
  const apis = join(p.repo, 'deploy/metrics-apis');
  const certs = join(p.dir, 'metrics-apis-certs');
  await run('bash', [join(walk, 'gen-serving-cert.sh'), certs], {});
  const promCfg = (await readFile(join(walk, 'prom-cfg.yaml'), 'utf8')).replace(
    'scrape_interval: 15s',
    'scrape_interval: 5s',
  );
  assert.match(promCfg, /scrape_interval: 5s/);
  await writeFile(join(p.dir, 'prometheus.yml'), promCfg);
  const fromFile = (key: string, file: string) => `--from-file=${key}=${file}`;
  const prom = (...args: string[]) => kubectl('-n', 'prom', ...args);
  await kubectl('create', 'namespace', 'prom');
  await prom(
    'create',
    'configmap',
    'prometheus',
    fromFile('prometheus.yml', join(p.dir, 'prometheus.yml')),
  );
  await prom(
    'create',
    'configmap',
    'adapter-config',
    fromFile('config.yaml', join(apis, 'adapter-config.yaml')),
  );
  await prom(
    'create',
    'secret',
    'generic',
    'cm-adapter-serving-certs',
    fromFile('serving.crt', join(certs, 'serving.crt')),
    fromFile('serving.key', join(certs, 'serving.key')),
  );
  await kubectl('apply', '-f', join(walk, 'prom-adapter.rbac.yaml'));
  await kubectl('apply', '-f', join(apis, 'metrics-apis.rbac.yaml'));
  await kubectl('apply', '-f', join(apis, 'prom-adapter.deployment.yaml'));
  await prom('create', 'service', 'clusterip', 'prometheus', '--tcp=443:6443');
  const ca = (await readFile(join(certs, 'ca.crt'))).toString('base64');
  const registrations: [string, string][] = [
    [join(walk, 'cm-registration.yaml'), 'custom'],
    [join(apis, 'apiservices.yaml'), 'external-and-resource'],
  ];
  for (const [file, name] of registrations) {
    const out = join(p.dir, `registration-${name}.yaml`);
    await writeFile(out, (await readFile(file, 'utf8')).replaceAll('CA_BUNDLE', ca));
    await kubectl('apply', '-f', out);
  }
  await kubectl('apply', '-f', join(apis, 'cpu-burner.yaml'));
  await kubectl('apply', '-f', join(apis, 'queue.yaml'));
  await prom('rollout', 'status', 'deploy/prometheus', '--timeout=120s');
  for (const d of ['cpu-burner', 'queue', 'queue-worker'])
    await kubectl('rollout', 'status', `deploy/${d}`, '--timeout=120s');
};
