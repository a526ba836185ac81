/**
 * The VictoriaMetrics e2e's cluster side: the walkthrough with VictoriaMetrics single-node in
 * Prometheus's place. One pod (`prom/prometheus`, as the walkthrough's, so its Service and
 * APIService apply unchanged) runs VictoriaMetrics scraping with the walkthrough's own Prometheus
 * config (kubernetes_sd_configs against the kube-apiserver; every 5 s) and the adapter, whose
 * only rule is on a `backends:` entry `vm` (`dialect: metricsql`) with a MetricsQL metricsQuery.
 * The flag-defined `default` backend points at a port nothing listens on: a query routed there
 * fails.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareWalkthrough, registerWalkthroughAdapter } from '../e2e/security-cluster.ts';
import type { Kubectl } from '../e2e/security-cluster.ts';
import { VICTORIA_METRICS_VERSION } from '../support/victoria-metrics.ts';

/** VictoriaMetrics' HTTP API inside the pod. */
export const VM_URL = 'http://localhost:8428';
/** The flag-defined backend: nothing listens there. */
export const DEFAULT_URL = 'http://localhost:9090/';
/** Seconds between scrapes: every scrape of /metrics counts as a request in the sample app. */
export const SCRAPE_SECONDS = 5;

/** MetricsQL the PromQL parser rejects: `keep_metric_names` and `default`. */
export const METRICS_QUERY =
  'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m]) keep_metric_names) by (<<.GroupBy>>) default 0';

export const ADAPTER_CONFIG = `backends:
- name: vm
  urls: [${VM_URL}]
  dialect: metricsql
rules:
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  backend: vm
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: "^(.*)_total$", as: "\${1}"}
  metricsQuery: '${METRICS_QUERY}'
`;

const volume = (name: string, mountPath: string) => ({ name, mountPath });

/** The pod: VictoriaMetrics and the adapter, as the walkthrough's Prometheus and adapter. */
const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'prometheus', namespace: 'prom', labels: { app: 'prometheus' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'prometheus' } },
    template: {
      metadata: { labels: { app: 'prometheus' } },
      spec: {
        serviceAccountName: 'prom-cm-adapter',
        containers: [
          {
            name: 'victoria-metrics',
            image: `victoriametrics/victoria-metrics:${VICTORIA_METRICS_VERSION}`,
            args: [
              '-promscrape.config=/etc/vm/prometheus.yml',
              '-storageDataPath=/victoria-metrics-data',
              '-httpListenAddr=:8428',
              // Fresh samples are visible at once (the default hides the last 30 s), and no
              // cached partial result of the last minute is served again.
              '-search.latencyOffset=0s',
              '-search.disableCache',
              // Pods are picked up 5 s after they appear (default 30 s): new replicas report soon.
              '-promscrape.kubernetesSDCheckInterval=5s',
            ],
            volumeMounts: [
              volume('vm-scrape', '/etc/vm'),
              volume('vm-data', '/victoria-metrics-data'),
            ],
          },
          {
            name: 'cm-adapter',
            image: 'directxman12/k8s-prometheus-adapter',
            args: [
              '--secure-port=6443',
              '--tls-cert-file=/var/run/serving-cert/serving.crt',
              '--tls-private-key-file=/var/run/serving-cert/serving.key',
              `--prometheus-url=${DEFAULT_URL}`,
              '--config=/etc/adapter/config.yaml',
              '--metrics-relist-interval=10s',
              '--metrics-max-age=1m',
              '--v=4',
            ],
            volumeMounts: [
              volume('serving-certs', '/var/run/serving-cert'),
              volume('adapter-config', '/etc/adapter'),
            ],
          },
        ],
        volumes: [
          { name: 'vm-scrape', configMap: { name: 'vm-scrape' } },
          { name: 'vm-data', emptyDir: {} },
          { name: 'serving-certs', secret: { secretName: 'cm-adapter-serving-certs' } },
          { name: 'adapter-config', configMap: { name: 'adapter-config' } },
        ],
      },
    },
  },
});

/**
 * Deploys with kubectl: the walkthrough's certificates, namespace, RBAC and serving Secret, the
 * scrape config (the walkthrough's, every 5 s) and adapter config as ConfigMaps, the pod, the
 * Service and APIServices, then the walkthrough's sample app, its Service and HPA; waits for the
 * rollouts. Returns the serving CA (PEM).
 */
export const deployVictoriaMetricsWalkthrough = async (
  kubectl: Kubectl,
  repo: string,
  dir: string,
): Promise<string> => {
  const walk = join(repo, 'deploy/walkthrough');
  const ca = await prepareWalkthrough(kubectl, repo, dir);
  const scrape = (await readFile(join(walk, 'prom-cfg.yaml'), 'utf8')).replace(
    'scrape_interval: 15s',
    `scrape_interval: ${SCRAPE_SECONDS}s`,
  );
  assert.match(scrape, new RegExp(`scrape_interval: ${SCRAPE_SECONDS}s`));
  const files = {
    scrape: join(dir, 'vm-scrape.yml'),
    config: join(dir, 'vm-adapter-config.yaml'),
    deployment: join(dir, 'vm-deployment.json'),
  };
  await writeFile(files.scrape, scrape);
  await writeFile(files.config, ADAPTER_CONFIG);
  await writeFile(files.deployment, JSON.stringify(deployment()));
  const prom = (...args: string[]) => kubectl('-n', 'prom', ...args);
  await prom('create', 'configmap', 'vm-scrape', `--from-file=prometheus.yml=${files.scrape}`);
  await prom('create', 'configmap', 'adapter-config', `--from-file=config.yaml=${files.config}`);
  await kubectl('apply', '-f', files.deployment);
  await registerWalkthroughAdapter(kubectl, repo, dir, ca);
  await kubectl('apply', '-f', join(walk, 'sample-app.deploy.yaml'));
  await kubectl('create', 'service', 'clusterip', 'sample-app', '--tcp=80:8080');
  await kubectl('apply', '-f', join(walk, 'sample-app-hpa.yaml'));
  await prom('rollout', 'status', 'deploy/prometheus', '--timeout=120s');
  await kubectl('rollout', 'status', 'deploy/sample-app', '--timeout=120s');
  return ca;
};
