/**
 * The requests sent to both adapters: discovery, every custom-metrics route form, external and
 * resource metrics, and error answers. `volatile` marks answers computed from a rate (the sample
 * apps' scrape-driven counter), whose values are compared within a tolerance.
 */

export interface Probe {
  /** Short name for the table. */
  readonly id: string;
  readonly path: string;
  readonly volatile?: boolean;
  /** Who asks: the cluster admin's certificate (default), a token with no RBAC grants, nobody. */
  readonly as?: 'admin' | 'token' | 'anonymous';
  /** The Accept header (default application/json). */
  readonly accept?: string;
  /** Also compare the body text byte for byte (answers without timestamps or random order). */
  readonly raw?: boolean;
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

const C1 = '/apis/custom.metrics.k8s.io/v1beta1';
const C2 = '/apis/custom.metrics.k8s.io/v1beta2';
const E = '/apis/external.metrics.k8s.io/v1beta1';
const M = '/apis/metrics.k8s.io/v1beta1';
const q = (params: Record<string, string>): string => `?${new URLSearchParams(params).toString()}`;

export const PROBES: readonly Probe[] = [
  // discovery
  { id: 'apis', path: '/apis' },
  { id: 'group-custom', path: '/apis/custom.metrics.k8s.io' },
  { id: 'list-custom-v1beta1', path: C1 },
  { id: 'list-custom-v1beta2', path: C2 },
  { id: 'group-external', path: '/apis/external.metrics.k8s.io', raw: true },
  { id: 'list-external', path: E },
  { id: 'group-resource', path: '/apis/metrics.k8s.io', raw: true },
  { id: 'group-resource-pretty', path: '/apis/metrics.k8s.io?pretty=true', raw: true },
  { id: 'list-resource', path: M, raw: true },
  // custom metrics: namespaced objects by name and by selector
  { id: 'pod-by-name', path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth` },
  { id: 'pod-by-name-v1beta2', path: `${C2}/namespaces/diff-a/pods/web-1/queue_depth` },
  { id: 'pods-all', path: `${C1}/namespaces/diff-a/pods/*/queue_depth` },
  {
    id: 'pods-selector',
    path: `${C1}/namespaces/diff-a/pods/*/queue_depth${q({ labelSelector: 'app=web' })}`,
  },
  {
    id: 'pods-set-selector-v1beta2',
    path: `${C2}/namespaces/diff-a/pods/*/queue_depth${q({ labelSelector: 'app in (web,worker),tier!=back' })}`,
  },
  {
    id: 'pods-rate',
    path: `${C1}/namespaces/diff-a/pods/*/http_requests_per_second${q({ labelSelector: 'app=web' })}`,
    volatile: true,
  },
  {
    id: 'pod-metric-selector',
    path: `${C1}/namespaces/diff-a/pods/*/diff_pod_errors${q({ metricLabelSelector: 'code=500' })}`,
  },
  {
    id: 'pod-metric-set-selector-v1beta2',
    path: `${C2}/namespaces/diff-a/pods/web-1/diff_pod_errors${q({ metricLabelSelector: 'code in (500,503)' })}`,
  },
  {
    id: 'pod-metric-selector-not-equal',
    path: `${C1}/namespaces/diff-a/pods/*/diff_pod_errors${q({ metricLabelSelector: 'code!=503' })}`,
  },
  {
    id: 'pod-metric-selector-regex-chars',
    path: `${C1}/namespaces/diff-a/pods/*/diff_pod_errors${q({ metricLabelSelector: 'code in (5.0,503)' })}`,
  },
  {
    id: 'pod-hpa-accept',
    path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth`,
    accept: 'application/vnd.kubernetes.protobuf, */*',
  },
  {
    id: 'pod-yaml-only',
    path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth`,
    accept: 'application/yaml',
  },
  { id: 'pod-nan', path: `${C1}/namespaces/diff-a/pods/web-1/diff_pod_nan` },
  { id: 'pod-beyond-int64', path: `${C1}/namespaces/diff-a/pods/web-1/diff_big_value` },
  { id: 'pods-other-namespace', path: `${C1}/namespaces/diff-b/pods/*/queue_depth` },
  // custom metrics: object metrics (services, deployments.apps)
  { id: 'service-by-name', path: `${C1}/namespaces/diff-a/services/web/diff_service_requests` },
  { id: 'services-all', path: `${C1}/namespaces/diff-a/services/*/diff_service_requests` },
  { id: 'service-singular', path: `${C1}/namespaces/diff-a/service/web/diff_service_requests` },
  {
    id: 'deployment-by-name',
    path: `${C1}/namespaces/diff-a/deployments.apps/web/diff_deployment_wanted`,
  },
  {
    id: 'deployment-by-name-v1beta2',
    path: `${C2}/namespaces/diff-a/deployments.apps/web/diff_deployment_wanted`,
  },
  // custom metrics: root-scoped objects and the namespace form
  { id: 'namespace-metric', path: `${C1}/namespaces/diff-a/metrics/diff_namespace_quota` },
  {
    id: 'namespaces-all-metric',
    path: `${C1}/namespaces/*/metrics/diff_namespace_quota${q({ labelSelector: 'diff=yes' })}`,
  },
  { id: 'namespace-object', path: `${C1}/namespaces/diff-b/diff_namespace_quota` },
  { id: 'node-by-name', path: `${C1}/nodes/diff-node-1/diff_node_temperature` },
  {
    id: 'nodes-selector',
    path: `${C1}/nodes/*/diff_node_temperature${q({ labelSelector: 'diff=yes' })}`,
  },
  { id: 'node-from-sample-labels', path: `${C1}/nodes/diff-node-2/queue_depth` },
  // custom metrics: errors
  { id: 'unknown-metric', path: `${C1}/namespaces/diff-a/pods/web-1/no_such_metric` },
  { id: 'pod-without-sample', path: `${C1}/namespaces/diff-a/pods/worker-1/queue_depth` },
  { id: 'pod-missing-object', path: `${C1}/namespaces/diff-a/pods/ghost/queue_depth` },
  {
    id: 'selector-matches-nothing',
    path: `${C1}/namespaces/diff-a/pods/*/queue_depth${q({ labelSelector: 'app=nothing' })}`,
  },
  {
    id: 'bad-label-selector',
    path: `${C1}/namespaces/diff-a/pods/*/queue_depth${q({ labelSelector: 'app===x' })}`,
    raw: true,
  },
  {
    id: 'bad-metric-selector',
    path: `${C1}/namespaces/diff-a/pods/*/diff_pod_errors${q({ metricLabelSelector: 'code===' })}`,
    raw: true,
  },
  {
    id: 'field-selector-mismatch',
    path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth${q({ fieldSelector: 'metadata.name=web-2' })}`,
    raw: true,
  },
  { id: 'unknown-resource', path: `${C1}/namespaces/diff-a/widgets/x/queue_depth` },
  { id: 'unknown-resource-wildcard', path: `${C1}/namespaces/diff-a/widgets/*/queue_depth` },
  { id: 'short-path', path: `${C1}/namespaces/diff-a` },
  { id: 'unknown-version', path: '/apis/custom.metrics.k8s.io/v1beta3' },
  // external metrics
  { id: 'external', path: `${E}/namespaces/diff-a/diff_queue_messages` },
  {
    id: 'external-selector',
    path: `${E}/namespaces/diff-a/diff_queue_messages${q({ labelSelector: 'queue=orders' })}`,
  },
  {
    id: 'external-set-selector',
    path: `${E}/namespaces/diff-a/diff_queue_messages${q({ labelSelector: 'queue notin (orders)' })}`,
  },
  { id: 'external-other-namespace', path: `${E}/namespaces/diff-b/diff_queue_messages` },
  { id: 'external-empty', path: `${E}/namespaces/default/diff_queue_messages` },
  { id: 'external-cluster-wide', path: `${E}/namespaces/default/diff_cluster_backlog` },
  { id: 'external-scalar', path: `${E}/namespaces/diff-a/diff_cluster_backlog_scalar` },
  { id: 'external-nan', path: `${E}/namespaces/diff-a/diff_odd_value` },
  { id: 'external-unknown', path: `${E}/namespaces/diff-a/no_such_metric` },
  { id: 'external-unknown-default', path: `${E}/namespaces/default/no_such_metric` },
  {
    id: 'external-bad-selector',
    path: `${E}/namespaces/diff-a/diff_queue_messages${q({ labelSelector: 'queue===' })}`,
    raw: true,
  },
  // resource metrics
  { id: 'nodes', path: `${M}/nodes` },
  { id: 'nodes-selector', path: `${M}/nodes${q({ labelSelector: 'zone=a' })}` },
  { id: 'node', path: `${M}/nodes/diff-node-1` },
  { id: 'node-without-memory', path: `${M}/nodes/diff-node-2` },
  { id: 'node-unknown', path: `${M}/nodes/ghost` },
  { id: 'pods-all-namespaces', path: `${M}/pods` },
  { id: 'pods-namespace', path: `${M}/namespaces/diff-a/pods` },
  {
    id: 'pods-namespace-selector',
    path: `${M}/namespaces/diff-a/pods${q({ labelSelector: 'app=web' })}`,
  },
  { id: 'pod', path: `${M}/namespaces/diff-a/pods/web-1` },
  { id: 'pod-two-containers', path: `${M}/namespaces/diff-a/pods/web-2` },
  { id: 'pod-container-without-memory', path: `${M}/namespaces/diff-a/pods/worker-1` },
  { id: 'pod-fractional-bytes', path: `${M}/namespaces/diff-b/pods/web-3` },
  { id: 'pod-not-running', path: `${M}/namespaces/diff-a/pods/pending-1` },
  { id: 'pod-unknown', path: `${M}/namespaces/diff-a/pods/ghost` },
  { id: 'pods-table', path: `${M}/namespaces/diff-a/pods`, accept: TABLE },
  { id: 'nodes-table', path: `${M}/nodes`, accept: TABLE },
  // generic endpoints
  { id: 'version', path: '/version' },
  { id: 'healthz', path: '/healthz', raw: true },
  { id: 'external-watch', path: `${E}/namespaces/diff-a/diff_queue_messages?watch=true` },
  // delegated authorization: a service-account token without grants, and no credentials
  { id: 'token-discovery', path: '/apis', as: 'token' },
  {
    id: 'token-pod',
    path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth`,
    as: 'token',
    raw: true,
  },
  { id: 'token-pods-wildcard', path: `${C2}/namespaces/diff-a/pods/*/queue_depth`, as: 'token' },
  { id: 'token-node', path: `${C1}/nodes/diff-node-1/diff_node_temperature`, as: 'token' },
  {
    id: 'token-namespace-metric',
    path: `${C1}/namespaces/diff-a/metrics/diff_namespace_quota`,
    as: 'token',
  },
  { id: 'token-external', path: `${E}/namespaces/diff-a/diff_queue_messages`, as: 'token' },
  { id: 'token-resource-pods', path: `${M}/namespaces/diff-a/pods`, as: 'token' },
  { id: 'token-resource-node', path: `${M}/nodes/diff-node-1`, as: 'token' },
  { id: 'token-metrics', path: '/metrics', as: 'token' },
  { id: 'anonymous-discovery', path: '/apis', as: 'anonymous' },
  { id: 'anonymous-pod', path: `${C1}/namespaces/diff-a/pods/web-1/queue_depth`, as: 'anonymous' },
  { id: 'anonymous-healthz', path: '/healthz', as: 'anonymous' },
  { id: 'anonymous-version', path: '/version', as: 'anonymous' },
];
