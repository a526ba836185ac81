/**
 * Internal metric values → the JSON objects of custom.metrics.k8s.io v1beta1/v1beta2 and
 * external.metrics.k8s.io v1beta1, with keys in the Go structs' field order. Pure.
 */
import type { CustomMetricValue, DescribedObject, ExternalMetricValue } from './provider.ts';

export type CustomVersion = 'v1beta1' | 'v1beta2';

/** metav1.Time: RFC 3339 in UTC at second precision (sub-seconds truncated, as Go formats). */
export const rfc3339 = (epochSeconds: number): string =>
  new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** v1.ObjectReference with every field omitempty, in order kind, namespace, name, apiVersion. */
const objectReference = (o: DescribedObject): Record<string, string> => ({
  ...(o.kind === '' ? {} : { kind: o.kind }),
  ...(o.namespace === undefined || o.namespace === '' ? {} : { namespace: o.namespace }),
  ...(o.name === '' ? {} : { name: o.name }),
  ...(o.apiVersion === '' ? {} : { apiVersion: o.apiVersion }),
});

const v1beta1Item = (v: CustomMetricValue, selector: unknown) => ({
  describedObject: objectReference(v.describedObject),
  metricName: v.metricName,
  timestamp: rfc3339(v.timestamp),
  value: v.value,
  selector,
});

const v1beta2Item = (v: CustomMetricValue, selector: unknown) => ({
  describedObject: objectReference(v.describedObject),
  metric: { name: v.metricName, selector },
  timestamp: rfc3339(v.timestamp),
  value: v.value,
});

/**
 * A MetricValueList for the version asked. `selector` is the metav1.LabelSelector JSON of the
 * request's metricLabelSelector, or null when it was empty; every item carries it.
 */
export const customMetricList = (
  version: CustomVersion,
  values: readonly CustomMetricValue[],
  selector: unknown,
) => ({
  kind: 'MetricValueList',
  apiVersion: `custom.metrics.k8s.io/${version}`,
  metadata: {},
  items: values.map((v) =>
    version === 'v1beta1' ? v1beta1Item(v, selector) : v1beta2Item(v, selector),
  ),
});

/** An ExternalMetricValueList; `metricLabels` stays null for scalar results. */
export const externalMetricList = (values: readonly ExternalMetricValue[]) => ({
  kind: 'ExternalMetricValueList',
  apiVersion: 'external.metrics.k8s.io/v1beta1',
  metadata: {},
  items: values.map((v) => ({
    metricName: v.metricName,
    metricLabels: v.metricLabels,
    timestamp: rfc3339(v.timestamp),
    value: v.value,
  })),
});
