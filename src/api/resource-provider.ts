/**
 * The interface metrics.k8s.io serving consumes (metrics-server's api.MetricsGetter, owned by
 * the API side): plain values, no HTTP, no Prometheus. Usage amounts are integer milli-units
 * (millicores, millibytes) so the API layer can format and sum them exactly as Quantities.
 */
import type { FieldRequirement } from '../kubernetes/field-selector.ts';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';

/** cpu in millicores, memory in millibytes (upstream's `NewMilliQuantity(int64(v*1000))`). */
export interface ResourceUsage {
  readonly cpu: bigint;
  readonly memory: bigint;
}

export interface NodeMetrics {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The earliest sample time, seconds since the epoch. */
  readonly timestamp: number;
  /** The configured `window`, in milliseconds. */
  readonly windowMs: number;
  readonly usage: ResourceUsage;
}

export interface ContainerMetrics {
  readonly name: string;
  readonly usage: ResourceUsage;
}

export interface PodMetrics {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The earliest sample time over all its containers, seconds since the epoch. */
  readonly timestamp: number;
  readonly windowMs: number;
  /** Sorted by container name. */
  readonly containers: readonly ContainerMetrics[];
}

export interface ResourceMetricsProvider {
  /**
   * Nodes matching both selectors (field: `metadata.name`), sorted by name. Nodes without cpu or
   * memory data are left out; a failed query yields an empty list, never an error.
   */
  listNodes(
    selector: LabelSelector,
    fields: readonly FieldRequirement[],
    signal: AbortSignal,
  ): Promise<readonly NodeMetrics[]>;
  /** One node; ApiError 404 when it is unknown or has no metrics. */
  getNode(name: string, signal: AbortSignal): Promise<NodeMetrics>;
  /**
   * Running pods in `namespace` ('' = all) matching both selectors (fields: `metadata.name`,
   * `metadata.namespace`), sorted by namespace then name; pods lacking cpu or memory are left out.
   */
  listPods(
    namespace: string,
    selector: LabelSelector,
    fields: readonly FieldRequirement[],
    signal: AbortSignal,
  ): Promise<readonly PodMetrics[]>;
  /** One pod; ApiError 404 when it is not a known Running pod or has no metrics. */
  getPod(namespace: string, name: string, signal: AbortSignal): Promise<PodMetrics>;
}
