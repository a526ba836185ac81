/**
 * The interfaces the API layer consumes. The API layer never learns where metrics come from:
 * it calls these, and the implementations never see HTTP (custom-metrics-apiserver's boundary).
 */
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';

/** An object a custom metric describes (v1.ObjectReference subset, in wire field order). */
export interface DescribedObject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** `v1` for core objects (upstream prints `/v1`; we fix that, see docs), `apps/v1` otherwise. */
  readonly apiVersion: string;
}

export interface CustomMetricValue {
  readonly describedObject: DescribedObject;
  readonly metricName: string;
  /** Sample time, seconds since the epoch. */
  readonly timestamp: number;
  /** Canonical Kubernetes Quantity string, e.g. `1500m`. */
  readonly value: string;
}

/** One entry of the custom metrics discovery list. */
export interface CustomMetricDescriptor {
  /** `resource` or `resource.group`, e.g. `pods`, `deployments.apps`. */
  readonly groupResource: string;
  readonly metric: string;
  readonly namespaced: boolean;
}

/** What the URL named. `resource` is as typed (`pod`, `pods`, `deployments.apps`). */
export interface CustomMetricRequest {
  readonly resource: string;
  readonly metric: string;
  /** "" for root-scoped objects (nodes, namespaces, persistentvolumes…). */
  readonly namespace: string;
  readonly metricSelector: LabelSelector;
}

export interface CustomMetricsProvider {
  /** The current discovery list. Must not fail: it reads the last good snapshot. */
  listMetrics(): readonly CustomMetricDescriptor[];
  /** One named object. Throws ApiError (404 when the metric or the sample is missing). */
  getByName(
    request: CustomMetricRequest & { readonly name: string },
    signal: AbortSignal,
  ): Promise<CustomMetricValue>;
  /** Every object matching `selector` (`*` in the URL). Names without a sample are skipped. */
  getBySelector(
    request: CustomMetricRequest & { readonly selector: LabelSelector },
    signal: AbortSignal,
  ): Promise<readonly CustomMetricValue[]>;
}

export interface ExternalMetricValue {
  readonly metricName: string;
  /** null for scalar results. */
  readonly metricLabels: Readonly<Record<string, string>> | null;
  readonly timestamp: number;
  readonly value: string;
}

export interface ExternalMetricsProvider {
  listMetrics(): readonly string[];
  get(
    request: {
      readonly namespace: string;
      readonly metric: string;
      readonly selector: LabelSelector;
    },
    signal: AbortSignal,
  ): Promise<readonly ExternalMetricValue[]>;
}

/** Health the server reports on /livez and /readyz. */
export interface HealthSource {
  /** name → error message, or undefined when healthy. */
  readyChecks(): Readonly<Record<string, string | undefined>>;
  liveChecks(): Readonly<Record<string, string | undefined>>;
}
