/**
 * The OpenAPI definitions we publish, as a compact table rendered by openapi.ts. Field types:
 * `string`, `integer`, `int64`, `boolean`, `date-time`, `[T]` (array), `{T}` (string map of T),
 * or a definition name. Names follow the Kubernetes generated OpenAPI (`io.k8s.…`).
 */

export interface SchemaDef {
  readonly description: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /** A scalar definition (`Quantity`, `Time`): its type instead of fields. */
  readonly scalar?: 'string' | 'date-time';
  /** Group-version-kind for list kinds (`x-kubernetes-group-version-kind`). */
  readonly gvk?: readonly [group: string, version: string, kind: string];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const CM = 'io.k8s.metrics.pkg.apis.custom_metrics';
const EM = 'io.k8s.metrics.pkg.apis.external_metrics.v1beta1';
const REF = 'io.k8s.api.core.v1.ObjectReference';
const MS = 'io.k8s.metrics.pkg.apis.metrics.v1beta1';
const OBJECT_META = `${META}.ObjectMeta`;

const listMeta = `${META}.ListMeta`;
const selector = `${META}.LabelSelector`;

const metricsList = (kind: string): SchemaDef => ({
  description: `a list of ${kind} objects`,
  fields: { apiVersion: 'string', items: `[${MS}.${kind}]`, kind: 'string', metadata: listMeta },
  required: ['items'],
  gvk: ['metrics.k8s.io', 'v1beta1', `${kind}List`],
});

const metricValueList = (version: string): SchemaDef => ({
  description: 'a list of values for a given metric for some set of objects',
  fields: {
    apiVersion: 'string',
    items: `[${CM}.${version}.MetricValue]`,
    kind: 'string',
    metadata: listMeta,
  },
  required: ['items'],
  gvk: ['custom.metrics.k8s.io', version, 'MetricValueList'],
});

/** Every definition, keyed by its full name. */
export const DEFINITIONS: Readonly<Record<string, SchemaDef>> = {
  [QUANTITY]: {
    description: 'A fixed-point number with an SI or binary suffix.',
    fields: {},
    scalar: 'string',
  },
  [`${META}.Time`]: {
    description: 'RFC 3339 time, second precision.',
    fields: {},
    scalar: 'date-time',
  },
  [listMeta]: {
    description: 'metadata of list kinds',
    fields: {
      continue: 'string',
      remainingItemCount: 'int64',
      resourceVersion: 'string',
      selfLink: 'string',
    },
  },
  [selector]: {
    description: 'A label selector; the requirements are ANDed.',
    fields: { matchExpressions: `[${META}.LabelSelectorRequirement]`, matchLabels: '{string}' },
  },
  [`${META}.LabelSelectorRequirement`]: {
    description: 'A selector requirement: a key, an operator and values.',
    fields: { key: 'string', operator: 'string', values: '[string]' },
    required: ['key', 'operator'],
  },
  [REF]: {
    description: 'A reference to an object.',
    fields: {
      apiVersion: 'string',
      fieldPath: 'string',
      kind: 'string',
      name: 'string',
      namespace: 'string',
      resourceVersion: 'string',
      uid: 'string',
    },
  },
  [`${META}.Status`]: {
    description: 'The return value of calls that do not return other objects.',
    fields: {
      apiVersion: 'string',
      code: 'integer',
      details: `${META}.StatusDetails`,
      kind: 'string',
      message: 'string',
      metadata: listMeta,
      reason: 'string',
      status: 'string',
    },
  },
  [`${META}.StatusDetails`]: {
    description: 'Extended data associated with the reason.',
    fields: {
      causes: `[${META}.StatusCause]`,
      group: 'string',
      kind: 'string',
      name: 'string',
      retryAfterSeconds: 'integer',
      uid: 'string',
    },
  },
  [`${META}.StatusCause`]: {
    description: 'More information about a failure.',
    fields: { field: 'string', message: 'string', reason: 'string' },
  },
  [`${CM}.v1beta1.MetricValueList`]: metricValueList('v1beta1'),
  [`${CM}.v1beta1.MetricValue`]: {
    description: 'the value of a metric for an object',
    fields: {
      describedObject: REF,
      metricName: 'string',
      selector,
      timestamp: `${META}.Time`,
      value: QUANTITY,
      windowSeconds: 'int64',
    },
    required: ['describedObject', 'metricName', 'timestamp', 'value', 'selector'],
  },
  [`${CM}.v1beta2.MetricValueList`]: metricValueList('v1beta2'),
  [`${CM}.v1beta2.MetricValue`]: {
    description: 'the value of a metric for an object',
    fields: {
      describedObject: REF,
      metric: `${CM}.v1beta2.MetricIdentifier`,
      timestamp: `${META}.Time`,
      value: QUANTITY,
      windowSeconds: 'int64',
    },
    required: ['describedObject', 'metric', 'timestamp', 'value'],
  },
  [`${CM}.v1beta2.MetricIdentifier`]: {
    description: 'identifies a metric by name and, optionally, selector',
    fields: { name: 'string', selector },
    required: ['name'],
  },
  [`${EM}.ExternalMetricValueList`]: {
    description: 'a list of values for a given metric for some set labels',
    fields: {
      apiVersion: 'string',
      items: `[${EM}.ExternalMetricValue]`,
      kind: 'string',
      metadata: listMeta,
    },
    required: ['items'],
    gvk: ['external.metrics.k8s.io', 'v1beta1', 'ExternalMetricValueList'],
  },
  [`${EM}.ExternalMetricValue`]: {
    description: 'a metric value for external metric',
    fields: {
      metricLabels: '{string}',
      metricName: 'string',
      timestamp: `${META}.Time`,
      value: QUANTITY,
      window: 'int64',
    },
    required: ['metricName', 'metricLabels', 'timestamp', 'value'],
  },
  [OBJECT_META]: {
    description: 'standard object metadata',
    fields: {
      creationTimestamp: `${META}.Time`,
      labels: '{string}',
      name: 'string',
      namespace: 'string',
    },
  },
  [`${MS}.NodeMetrics`]: {
    description: 'the resource usage metrics of a node',
    fields: {
      apiVersion: 'string',
      kind: 'string',
      metadata: OBJECT_META,
      timestamp: `${META}.Time`,
      usage: `{${QUANTITY}}`,
      window: 'string',
    },
    required: ['timestamp', 'window', 'usage'],
  },
  [`${MS}.NodeMetricsList`]: metricsList('NodeMetrics'),
  [`${MS}.PodMetrics`]: {
    description: 'the resource usage metrics of a pod',
    fields: {
      apiVersion: 'string',
      containers: `[${MS}.ContainerMetrics]`,
      kind: 'string',
      metadata: OBJECT_META,
      timestamp: `${META}.Time`,
      window: 'string',
    },
    required: ['timestamp', 'window', 'containers'],
  },
  [`${MS}.PodMetricsList`]: metricsList('PodMetrics'),
  [`${MS}.ContainerMetrics`]: {
    description: 'the resource usage metrics of a container',
    fields: { name: 'string', usage: `{${QUANTITY}}` },
    required: ['name', 'usage'],
  },
};

export const STATUS_DEFINITION = `${META}.Status`;
