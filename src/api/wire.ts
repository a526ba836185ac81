/**
 * Internal metric values → the JSON objects of custom.metrics.k8s.io v1beta1/v1beta2 and
 * external.metrics.k8s.io v1beta1, with keys in the Go structs' field order. Pure.
 */
import type { CustomMetricValue, DescribedObject, ExternalMetricValue } from './provider.ts';

export type CustomVersion = 'v1beta1' | 'v1beta2';

/** metav1.Time: RFC 3339 in UTC at second precision (sub-seconds truncated, as Go formats). */
export const rfc3339 = (epochSeconds: number): string =>
  `${new Date(Math.floor(epochSeconds) * 1000).toISOString().slice(0, 19)}Z`;

/** rfc3339 remembering its last answer: the items of one list usually share a timestamp. */
const timeFormatter = (): ((epochSeconds: number) => string) => {
  let lastSeconds = Number.NaN;
  let lastText = '';
  return (seconds) => {
    if (seconds !== lastSeconds) {
      lastSeconds = seconds;
      lastText = rfc3339(seconds);
    }
    return lastText;
  };
};

/** v1.ObjectReference with every field omitempty, in order kind, namespace, name, apiVersion. */
const objectReference = (o: DescribedObject): Record<string, string> => {
  const ref: Record<string, string> = {};
  if (o.kind !== '') ref.kind = o.kind;
  if (o.namespace !== undefined && o.namespace !== '') ref.namespace = o.namespace;
  if (o.name !== '') ref.name = o.name;
  if (o.apiVersion !== '') ref.apiVersion = o.apiVersion;
  return ref;
};

const v1beta1Item = (v: CustomMetricValue, selector: unknown, timestamp: string) => ({
  describedObject: objectReference(v.describedObject),
  metricName: v.metricName,
  timestamp,
  value: v.value,
  selector,
});

const v1beta2Item = (v: CustomMetricValue, selector: unknown, timestamp: string) => ({
  describedObject: objectReference(v.describedObject),
  metric: { name: v.metricName, selector },
  timestamp,
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
) => {
  const time = timeFormatter();
  const item = version === 'v1beta1' ? v1beta1Item : v1beta2Item;
  return {
    kind: 'MetricValueList',
    apiVersion: `custom.metrics.k8s.io/${version}`,
    metadata: {},
    items: values.map((v) => item(v, selector, time(v.timestamp))),
  };
};

/** An ExternalMetricValueList; `metricLabels` stays null for scalar results. */
export const externalMetricList = (values: readonly ExternalMetricValue[]) => {
  const time = timeFormatter();
  return {
    kind: 'ExternalMetricValueList',
    apiVersion: 'external.metrics.k8s.io/v1beta1',
    metadata: {},
    items: values.map((v) => ({
      metricName: v.metricName,
      metricLabels: v.metricLabels,
      timestamp: time(v.timestamp),
      value: v.value,
    })),
  };
};
