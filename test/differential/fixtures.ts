/**
 * The differential test's inputs, shared by upstream and ours: the Kubernetes objects (created
 * with kubectl in the test's own cluster slot), the synthetic series (stable gauges, so both
 * adapters see the same values whenever they ask), the Prometheus scrape config and the one
 * adapter `--config` with rules, externalRules and resourceRules.
 */

/** The sample-app processes (examples/sample-app): pod, namespace, node and queue_depth value. */
export const SAMPLE_PODS = [
  { ns: 'diff-a', pod: 'web-1', node: 'diff-node-1', depth: 3 },
  { ns: 'diff-a', pod: 'web-2', node: 'diff-node-2', depth: 7 },
  { ns: 'diff-b', pod: 'web-3', node: 'diff-node-1', depth: 11 },
] as const;

interface PodSpec {
  readonly ns: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly node: string;
  readonly containers: readonly string[];
  /** Patched to Running through the status subresource (resource metrics list Running pods). */
  readonly running: boolean;
}

/** Pods bound to the fake nodes below: no node agent runs them, their status is patched. */
export const PODS: readonly PodSpec[] = [
  {
    ns: 'diff-a',
    name: 'web-1',
    labels: { app: 'web' },
    node: 'diff-node-1',
    containers: ['app'],
    running: true,
  },
  {
    ns: 'diff-a',
    name: 'web-2',
    labels: { app: 'web', tier: 'front' },
    node: 'diff-node-2',
    containers: ['zz-sidecar', 'app'],
    running: true,
  },
  {
    ns: 'diff-a',
    name: 'worker-1',
    labels: { app: 'worker' },
    node: 'diff-node-1',
    containers: ['main', 'helper'],
    running: true,
  },
  {
    ns: 'diff-a',
    name: 'pending-1',
    labels: { app: 'web' },
    node: 'diff-node-2',
    containers: ['app'],
    running: false,
  },
  {
    ns: 'diff-b',
    name: 'web-3',
    labels: { app: 'web' },
    node: 'diff-node-1',
    containers: ['app'],
    running: true,
  },
];

/** Namespaces, fake Nodes, Pods, a Service and a Deployment (0 replicas) as one kubectl List. */
export const clusterObjects = (): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ...['diff-a', 'diff-b'].map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { diff: 'yes' } },
      })),
      ...['diff-node-1', 'diff-node-2'].map((name, i) => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { diff: 'yes', zone: i === 0 ? 'a' : 'b' } },
      })),
      ...PODS.map((p) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: p.ns, labels: p.labels },
        spec: {
          nodeName: p.node,
          containers: p.containers.map((name) => ({ name, image: 'k8spa.invalid/none:1' })),
        },
      })),
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'diff-reader', namespace: 'diff-a' },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'diff-a', labels: { app: 'web' } },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'diff-a', labels: { app: 'web' } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'web-deploy' } },
          template: {
            metadata: { labels: { app: 'web-deploy' } },
            spec: { containers: [{ name: 'app', image: 'k8spa.invalid/none:1' }] },
          },
        },
      },
    ],
  });

type Labels = Readonly<Record<string, string>>;
const series = (name: string, labels: Labels, value: number): string => {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}{${l}} ${Number.isNaN(value) ? 'NaN' : String(value)}`;
};

const container = (ns: string, pod: string, c: string, cpu?: number, mem?: number): string[] => [
  ...(cpu === undefined
    ? []
    : [series('diff_container_cpu_cores', { namespace: ns, pod, container: c }, cpu)]),
  ...(mem === undefined
    ? []
    : [series('diff_container_memory_bytes', { namespace: ns, pod, container: c }, mem)]),
];

/**
 * The synthetic exporter's page (scraped with honor_labels): gauges only, so every query gives the
 * same value whenever it runs. Chosen to cover the formatting corners (milli values, BinarySI
 * memory, fractional bytes, NaN, values beyond the int64 milli range, missing cpu or memory).
 */
export const SYNTHETIC_METRICS = [
  // resourceRules: containers of the Running pods (and of the Pending one, which must not show).
  ...container('diff-a', 'web-1', 'app', 0.25, 16 * 1024 * 1024),
  ...container('diff-a', 'web-2', 'app', 0.5, 32 * 1024 * 1024),
  ...container('diff-a', 'web-2', 'zz-sidecar', 0.01, 1048577),
  ...container('diff-a', 'worker-1', 'main', 1.5, 100_000_000),
  ...container('diff-a', 'worker-1', 'helper', 0.002, undefined),
  ...container('diff-a', 'pending-1', 'app', 0.1, 1024),
  ...container('diff-b', 'web-3', 'app', 0.333, 2000.5),
  series('diff_node_cpu_cores', { node: 'diff-node-1' }, 1.75),
  series('diff_node_memory_bytes', { node: 'diff-node-1' }, 4 * 1024 ** 3),
  series('diff_node_cpu_cores', { node: 'diff-node-2' }, 0.5),
  // custom metrics: object, root-scoped and namespace metrics, metric labels, corner values.
  series('diff_node_temperature', { node: 'diff-node-1' }, 41.5),
  series('diff_node_temperature', { node: 'diff-node-2' }, 39),
  series('diff_namespace_quota', { namespace: 'diff-a' }, 100),
  series('diff_namespace_quota', { namespace: 'diff-b' }, 2000),
  series('diff_service_requests', { namespace: 'diff-a', service: 'web' }, 12.5),
  series('diff_deployment_wanted', { namespace: 'diff-a', deployment: 'web' }, 3),
  series('diff_pod_errors', { namespace: 'diff-a', pod: 'web-1', code: '500' }, 2),
  series('diff_pod_errors', { namespace: 'diff-a', pod: 'web-1', code: '503' }, 1),
  series('diff_pod_errors', { namespace: 'diff-a', pod: 'web-2', code: '500' }, 4),
  series('diff_pod_nan', { namespace: 'diff-a', pod: 'web-1' }, NaN),
  series('diff_big_value', { namespace: 'diff-a', pod: 'web-1' }, 1e17),
  // external metrics: namespaced, cluster-wide (vector and scalar), NaN.
  series('diff_queue_messages', { namespace: 'diff-a', queue: 'orders' }, 42),
  series('diff_queue_messages', { namespace: 'diff-a', queue: 'invoices' }, 0.5),
  series('diff_queue_messages', { namespace: 'diff-b', queue: 'orders' }, 7),
  series('diff_cluster_backlog', { region: 'eu' }, 9),
  series('diff_cluster_backlog', { region: 'us' }, 1000),
  series('diff_odd_value', { namespace: 'diff-a', kind: 'nan' }, NaN),
  '',
].join('\n');

/**
 * Prometheus scrapes the sample apps as static targets, relabelled into namespace/pod/node/
 * container labels, and the synthetic exporter with its own labels (honor_labels).
 */
export const prometheusConfig = (samplePorts: readonly number[], exporterPort: number): string =>
  JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      {
        job_name: 'sample',
        static_configs: SAMPLE_PODS.map((p, i) => ({
          targets: [`127.0.0.1:${samplePorts[i] ?? 0}`],
          labels: { k8s_target: `${p.ns}/${p.pod}/${p.node}` },
        })),
        relabel_configs: [
          ...['namespace', 'pod', 'node'].map((label, i) => ({
            source_labels: ['k8s_target'],
            regex: '([^/]+)/([^/]+)/([^/]+)',
            target_label: label,
            replacement: `$${i + 1}`,
          })),
          { target_label: 'container', replacement: 'sample-app' },
          { regex: 'k8s_target', action: 'labeldrop' },
        ],
      },
      {
        job_name: 'synthetic',
        honor_labels: true,
        static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }],
      },
    ],
  });

const rule = (seriesQuery: string, resources: string, metricsQuery: string, name = ''): string =>
  [
    `- seriesQuery: '${seriesQuery}'`,
    `  resources: ${resources}`,
    ...(name === '' ? [] : [`  name: ${name}`]),
    `  metricsQuery: '${metricsQuery}'`,
  ].join('\n');

const SUM = 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)';
const TEMPLATE = '{template: "<<.Resource>>"}';
const resourceQuery = (series: string) => `sum(${series}{<<.LabelMatchers>>}) by (<<.GroupBy>>)`;
const RESOURCES =
  '{overrides: {node: {resource: node}, namespace: {resource: namespace}, pod: {resource: pod}}}';

/** The one `--config` both adapters get. */
export const ADAPTER_CONFIG = [
  'rules:',
  rule(
    'http_requests_total{namespace!="",pod!=""}',
    '{overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}',
    'sum(rate(<<.Series>>{<<.LabelMatchers>>}[5s])) by (<<.GroupBy>>)',
    '{matches: "^(.*)_total$", as: "${1}_per_second"}',
  ),
  rule('queue_depth{namespace!="",pod!=""}', TEMPLATE, SUM),
  rule('{__name__=~"diff_(pod_errors|pod_nan|big_value)",namespace!="",pod!=""}', TEMPLATE, SUM),
  rule('diff_service_requests{namespace!="",service!=""}', TEMPLATE, SUM),
  rule(
    'diff_deployment_wanted{namespace!="",deployment!=""}',
    '{overrides: {namespace: {resource: namespace}, deployment: {group: apps, resource: deployment}}}',
    SUM,
  ),
  rule('diff_namespace_quota{namespace!=""}', TEMPLATE, SUM),
  rule(
    'diff_node_temperature{node!=""}',
    TEMPLATE,
    'max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  ),
  'externalRules:',
  rule(
    'diff_queue_messages{namespace!="",queue!=""}',
    '{overrides: {namespace: {resource: namespace}}}',
    'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)',
  ),
  rule(
    'diff_cluster_backlog{region!=""}',
    '{namespaced: false}',
    'sum(<<.Series>>{<<.LabelMatchers>>}) by (region)',
  ),
  rule(
    'diff_cluster_backlog{region!=""}',
    '{namespaced: false}',
    'scalar(sum(<<.Series>>{<<.LabelMatchers>>}))',
    '{matches: "^(.*)$", as: "${1}_scalar"}',
  ),
  rule(
    'diff_odd_value{namespace!=""}',
    '{overrides: {namespace: {resource: namespace}}}',
    '<<.Series>>{<<.LabelMatchers>>}',
  ),
  'resourceRules:',
  '  cpu:',
  `    containerQuery: '${resourceQuery('diff_container_cpu_cores')}'`,
  `    nodeQuery: '${resourceQuery('diff_node_cpu_cores')}'`,
  `    resources: ${RESOURCES}`,
  '    containerLabel: container',
  '  memory:',
  `    containerQuery: '${resourceQuery('diff_container_memory_bytes')}'`,
  `    nodeQuery: '${resourceQuery('diff_node_memory_bytes')}'`,
  `    resources: ${RESOURCES}`,
  '    containerLabel: container',
  '  window: 1m',
  '',
].join('\n');
