/**
 * custom.metrics.k8s.io v1beta1 and v1beta2 (custom-metrics-apiserver cmhandlers.go and
 * registry/custom_metrics): three GET routes under `/apis/custom.metrics.k8s.io/<v>/`:
 *   {resource}/{name}/{metric}                          root-scoped objects
 *   namespaces/{namespace}/{resource}/{name}/{metric}   namespaced objects
 *   namespaces/{namespace}/metrics/{metric}             the Namespace object itself
 * `{name}` of `*` selects objects by `labelSelector`.
 */
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { toLabelSelectorJson } from '../kubernetes/label-selector.ts';
import type { ApiGroup, GroupHandler, RouteContext, RouteDoc, RouteParam } from './api-group.ts';
import { badRequest, plainInternal } from './errors.ts';
import { checkFieldSelector, metricSelector, objectSelector } from './list-options.ts';
import type { CustomMetricsProvider, CustomMetricValue } from './provider.ts';
import { customMetricList, type CustomVersion } from './wire.ts';

const CUSTOM_GROUP = 'custom.metrics.k8s.io';

interface Target {
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly metric: string;
  readonly parts: readonly string[];
}

/** The request's object and metric, with the `namespaces/{ns}/metrics/{m}` form rewritten. */
const targetOf = ({ info }: RouteContext): Target => {
  if (info.namespace !== '' && info.resource === 'metrics') {
    return {
      namespace: '',
      resource: 'namespaces',
      name: info.namespace,
      metric: info.name,
      parts: ['namespaces', info.namespace, ...info.parts.slice(1)],
    };
  }
  const { namespace, resource, name, subresource: metric, parts } = info;
  return { namespace, resource, name, metric, parts };
};

/** metav1.ParseToLabelSelector's failure surfaces as the provider's plain error (500, no reason). */
const selectorJson = (selector: LabelSelector): unknown => {
  try {
    return toLabelSelectorJson(selector);
  } catch (err) {
    throw plainInternal(err instanceof Error ? err.message : String(err), { cause: err });
  }
};

const fetchValues = async (
  provider: CustomMetricsProvider,
  ctx: RouteContext,
  t: Target,
): Promise<{ values: readonly CustomMetricValue[]; selectorJson: unknown }> => {
  const selector = objectSelector(ctx.query);
  checkFieldSelector(ctx.query, t.name);
  const metricSel = metricSelector(ctx.query);
  const request = {
    resource: t.resource,
    metric: t.metric,
    namespace: t.namespace,
    metricSelector: metricSel,
  };
  const values =
    t.name === '*'
      ? await provider.getBySelector({ ...request, selector }, ctx.signal)
      : [await provider.getByName({ ...request, name: t.name }, ctx.signal)];
  return { values, selectorJson: metricSel.length === 0 ? null : selectorJson(metricSel) };
};

/**
 * The MetricValueList for `values`, the same object again for the very same values array (a
 * provider hands identical requests in one coalescing window the same array), so its encoding is
 * reused too (see negotiate.ts). Keyed weakly on the array: nothing outlives the provider's answer.
 */
type ListMemo = WeakMap<readonly CustomMetricValue[], Map<string, unknown>>;

const listFor = (
  memo: ListMemo,
  version: CustomVersion,
  values: readonly CustomMetricValue[],
  selectorJson: unknown,
): unknown => {
  let byKey = memo.get(values);
  if (byKey === undefined) {
    byKey = new Map();
    memo.set(values, byKey);
  }
  const key = `${version}\u0000${JSON.stringify(selectorJson)}`;
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  const list = customMetricList(version, values, selectorJson);
  byKey.set(key, list);
  return list;
};

const handler =
  (provider: CustomMetricsProvider, memo: ListMemo): GroupHandler =>
  async (ctx) => {
    const target = targetOf(ctx);
    if (target.parts.length < 3) throw badRequest('invalid request path');
    const { values, selectorJson } = await fetchValues(provider, ctx, target);
    return listFor(memo, ctx.version as CustomVersion, values, selectorJson);
  };

/** go-restful's matching of the three route templates against the path segments. */
const matches = (s: readonly string[]): boolean =>
  s.length === 3 ||
  (s.length === 4 && s[0] === 'namespaces' && s[2] === 'metrics') ||
  (s.length === 5 && s[0] === 'namespaces');

const param = (name: string, at: 'path' | 'query', description: string): RouteParam => ({
  name,
  in: at,
  description,
});

const QUERY: readonly RouteParam[] = [
  param(
    'labelSelector',
    'query',
    'A selector to restrict the list of returned objects by their labels.',
  ),
  param(
    'metricLabelSelector',
    'query',
    'A selector to restrict the metric series by their labels.',
  ),
  param('fieldSelector', 'query', 'Only `metadata.name=<name>` is accepted.'),
  param('pretty', 'query', "If 'true', then the output is pretty printed."),
];
const NS = param('namespace', 'path', 'object name and auth scope, such as for teams and projects');
const RES = param('resource', 'path', 'the name of the resource');
const NAME = param('name', 'path', 'name of the described resource, or `*`');
const METRIC = param('metric', 'path', 'the name of the metric');

const ROUTES: readonly RouteDoc[] = [
  {
    path: '{resource}/{name}/{metric}',
    operation: 'listMetricValue',
    params: [RES, NAME, METRIC, ...QUERY],
  },
  {
    path: 'namespaces/{namespace}/{resource}/{name}/{metric}',
    operation: 'listNamespacedMetricValue',
    params: [NS, RES, NAME, METRIC, ...QUERY],
  },
  {
    path: 'namespaces/{namespace}/metrics/{metric}',
    operation: 'readMetricValueForNamespace',
    params: [NS, METRIC, ...QUERY],
  },
].map((r) => ({
  ...r,
  description: 'list custom metrics describing an object or objects',
  responseKind: 'MetricValueList',
}));

/**
 * The custom metrics group. Discovery lists both versions (v1beta1 preferred) with one
 * `resource[.group]/metric` entry per provider descriptor; upstream lists only v1beta1.
 */
export const customMetricsGroup = (provider: CustomMetricsProvider): ApiGroup => {
  const memo: ListMemo = new WeakMap();
  return {
    name: CUSTOM_GROUP,
    versions: ['v1beta1', 'v1beta2'],
    definitionPrefix: (v) => `io.k8s.metrics.pkg.apis.custom_metrics.${v}`,
    resources: () =>
      provider.listMetrics().map((d) => ({
        name: `${d.groupResource}/${d.metric}`,
        singularName: '',
        namespaced: d.namespaced,
        kind: 'MetricValueList',
        verbs: ['get'],
      })),
    match: (segments) => (matches(segments) ? handler(provider, memo) : undefined),
    routes: ROUTES,
  };
};
