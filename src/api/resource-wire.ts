/**
 * metrics.k8s.io v1beta1 values → JSON (NodeMetrics, PodMetrics and their lists, keys in the Go
 * structs' field order) and the meta.k8s.io Table `kubectl get` asks for (metrics-server
 * table.go: columns Name, cpu, memory, Window). Pure: `now` arrives as an argument.
 */
import { formatGoDuration } from '../lib/go-fmt/go-fmt.ts';
import { formatMilliQuantity } from '../kubernetes/quantity.ts';
import type { NodeMetrics, PodMetrics, ResourceUsage } from './resource-provider.ts';
import { rfc3339 } from './wire.ts';

const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

/** The usage map: cpu as DecimalSI, memory as BinarySI (`1Mi`, `1048577`, `500`). */
const usageJson = (u: ResourceUsage) => ({
  cpu: formatMilliQuantity(u.cpu, 'DecimalSI'),
  memory: formatMilliQuantity(u.memory, 'BinarySI'),
});

/** ObjectMeta: name, namespace, creationTimestamp (= now, as upstream), labels (omitempty). */
const objectMeta = (
  o: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels: Readonly<Record<string, string>>;
  },
  nowMs: number,
) => ({
  name: o.name,
  ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
  creationTimestamp: rfc3339(nowMs / 1000),
  ...(Object.keys(o.labels).length === 0 ? {} : { labels: o.labels }),
});

const nodeBody = (m: NodeMetrics, nowMs: number) => ({
  metadata: objectMeta(m, nowMs),
  timestamp: rfc3339(m.timestamp),
  window: formatGoDuration(m.windowMs),
  usage: usageJson(m.usage),
});

const podBody = (m: PodMetrics, nowMs: number) => ({
  metadata: objectMeta(m, nowMs),
  timestamp: rfc3339(m.timestamp),
  window: formatGoDuration(m.windowMs),
  containers: m.containers.map((c) => ({ name: c.name, usage: usageJson(c.usage) })),
});

/** A single NodeMetrics object. */
export const nodeMetricsJson = (m: NodeMetrics, nowMs: number) => ({
  kind: 'NodeMetrics',
  apiVersion: METRICS_API_VERSION,
  ...nodeBody(m, nowMs),
});

/** A single PodMetrics object. */
export const podMetricsJson = (m: PodMetrics, nowMs: number) => ({
  kind: 'PodMetrics',
  apiVersion: METRICS_API_VERSION,
  ...podBody(m, nowMs),
});

/** NodeMetricsList; items carry no kind/apiVersion; empty is `"items": []`. */
export const nodeMetricsListJson = (items: readonly NodeMetrics[], nowMs: number) => ({
  kind: 'NodeMetricsList',
  apiVersion: METRICS_API_VERSION,
  metadata: {},
  items: items.map((m) => nodeBody(m, nowMs)),
});

/** PodMetricsList, as NodeMetricsList. */
export const podMetricsListJson = (items: readonly PodMetrics[], nowMs: number) => ({
  kind: 'PodMetricsList',
  apiVersion: METRICS_API_VERSION,
  metadata: {},
  items: items.map((m) => podBody(m, nowMs)),
});

/** A pod's row usage: the sum over its containers (Quantity.Add). */
export const podTotal = (m: PodMetrics): ResourceUsage =>
  m.containers.reduce(
    (sum, c) => ({ cpu: sum.cpu + c.usage.cpu, memory: sum.memory + c.usage.memory }),
    { cpu: 0n, memory: 0n },
  );
