/**
 * The Thanos HA e2e's cluster side: the walkthrough's Prometheus as an HA pair (two Deployments
 * whose external labels differ only in `replica`, each pod with a Thanos sidecar container sharing
 * the Prometheus TSDB emptyDir), Thanos Query over both sidecars' Services, and the walkthrough's
 * adapter on its own pointed at Query. Everything is derived from deploy/walkthrough so the
 * adapter, Prometheus and scraping are the walkthrough's own.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Kubectl } from './metrics-apis-cluster.ts';

export const THANOS_IMAGE = 'quay.io/thanos/thanos:v0.42.5';
export const REPLICAS = ['a', 'b'] as const;
const GRPC = 10901;
/** Thanos Query's HTTP port (the adapter's --prometheus-url). */
export const QUERY_PORT = 9090;

interface Container {
  name: string;
  image: string;
  args: string[];
  volumeMounts?: { mountPath: string; name: string }[];
  [more: string]: unknown;
}
interface Volume {
  name: string;
  [more: string]: unknown;
}
interface WalkthroughDeployment {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { serviceAccountName: string; containers: Container[]; volumes: Volume[] };
    };
  };
}

const ready = (port: number) => ({ httpGet: { path: '/-/ready', port }, periodSeconds: 2 });

const deployment = (name: string, labels: Record<string, string>, spec: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'prom', labels },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec },
  },
});

const service = (name: string, selector: Record<string, string>, port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'prom' },
  spec: { selector, ports: [{ name: 'grpc-or-http', port, targetPort: port }] },
});

/** The pod labels of replica `r`. */
export const replicaLabels = (r: string) => ({ app: 'prometheus-replica', replica: r });

/** The Services (created first: Query's --endpoint and the adapter need their ClusterIPs). */
export const services = () => ({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    ...REPLICAS.map((r) => service(`thanos-sidecar-${r}`, replicaLabels(r), GRPC)),
    service('thanos-query', { app: 'thanos-query' }, QUERY_PORT),
  ],
});

/**
 * Per replica: a ConfigMap with the walkthrough's prom-cfg.yaml plus
 * `external_labels: {cluster: e2e, replica: <r>}`, and a Deployment of the walkthrough's
 * Prometheus container with a Thanos sidecar beside it; then Thanos Query over the sidecars'
 * ClusterIPs (the local cluster has no DNS) and the walkthrough's adapter alone (Deployment
 * `prometheus`, which Service `prom/prometheus` selects) pointed at Query.
 */
export const workloads = async (
  repo: string,
  ips: Readonly<Record<string, string>>,
): Promise<object> => {
  const walk = join(repo, 'deploy/walkthrough');
  const promCfg = parse(await readFile(join(walk, 'prom-cfg.yaml'), 'utf8')) as {
    global: Record<string, unknown>;
  };
  const walkthrough = parse(
    await readFile(join(walk, 'prom-adapter.deployment.yaml'), 'utf8'),
  ) as WalkthroughDeployment;
  const pod = walkthrough.spec.template.spec;
  const container = (name: string) => {
    const c = pod.containers.find((x) => x.name === name);
    if (c === undefined) throw new Error(`no ${name} container in the walkthrough`);
    return c;
  };
  const volume = (name: string) => {
    const v = pod.volumes.find((x) => x.name === name);
    if (v === undefined) throw new Error(`no ${name} volume in the walkthrough`);
    return v;
  };
  const prometheus = container('prometheus');
  const items: object[] = [];
  for (const r of REPLICAS) {
    const cfg = {
      ...promCfg,
      global: { ...promCfg.global, external_labels: { cluster: 'e2e', replica: r } },
    };
    items.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `prometheus-${r}`, namespace: 'prom' },
      data: { 'prometheus.yml': stringify(cfg) },
    });
    const sidecar = {
      name: 'thanos-sidecar',
      image: THANOS_IMAGE,
      args: [
        'sidecar',
        '--prometheus.url=http://localhost:9090',
        '--tsdb.path=/prometheus',
        `--grpc-address=:${GRPC}`,
        '--http-address=:10902',
      ],
      ports: [{ containerPort: GRPC, name: 'grpc' }],
      volumeMounts: [{ mountPath: '/prometheus', name: 'prom-data' }],
      readinessProbe: ready(10902),
    };
    items.push(
      deployment(`prometheus-${r}`, replicaLabels(r), {
        serviceAccountName: pod.serviceAccountName,
        containers: [{ ...prometheus, readinessProbe: ready(9090) }, sidecar],
        volumes: [
          { name: 'prom-config', configMap: { name: `prometheus-${r}` } },
          volume('prom-data'),
        ],
      }),
    );
  }
  const endpoints = REPLICAS.map((r) => `--endpoint=${ips[`thanos-sidecar-${r}`] ?? ''}:${GRPC}`);
  items.push(
    deployment(
      'thanos-query',
      { app: 'thanos-query' },
      {
        containers: [
          {
            name: 'thanos-query',
            image: THANOS_IMAGE,
            args: [
              'query',
              `--http-address=:${QUERY_PORT}`,
              `--grpc-address=:${GRPC}`,
              '--query.replica-label=replica',
              ...endpoints,
            ],
            ports: [{ containerPort: QUERY_PORT, name: 'http' }],
            readinessProbe: ready(QUERY_PORT),
          },
        ],
      },
    ),
  );
  const adapter = container('cm-adapter');
  const queryUrl = `--prometheus-url=http://${ips['thanos-query'] ?? ''}:${QUERY_PORT}/`;
  adapter.args = adapter.args.map((a) => (a.startsWith('--prometheus-url=') ? queryUrl : a));
  pod.containers = [adapter];
  pod.volumes = [volume('serving-certs')];
  items.push(walkthrough);
  return { apiVersion: 'v1', kind: 'List', items };
};

/** Writes `list` to `<dir>/<name>.json` and applies it. */
export const applyList = async (
  kubectl: Kubectl,
  dir: string,
  name: string,
  list: object,
): Promise<void> => {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(list));
  await kubectl('apply', '-f', file);
};

/** The ClusterIP of every Service in namespace prom, by name. */
export const clusterIps = async (kubectl: Kubectl): Promise<Record<string, string>> => {
  const out = await kubectl(
    ...['-n', 'prom', 'get', 'services', '-o'],
    'jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP}{"\\n"}{end}',
  );
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.split('=') as [string, string]),
  );
};
