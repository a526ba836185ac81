/**
 * metrics.k8s.io v1beta1 (metrics-server's pkg/api): `nodes`, `nodes/{name}`, `pods` (all
 * namespaces), `namespaces/{ns}/pods`, `namespaces/{ns}/pods/{name}`. Lists honour
 * `labelSelector` and `fieldSelector` (`metadata.name`, `metadata.namespace`); `watch` is refused
 * with 405; `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` gets a Table.
 */
import type { ApiGroup, ApiResourceDoc, GroupHandler, RouteDoc } from './api-group.ts';
import { parseFieldSelector, type FieldRequirement } from '../kubernetes/field-selector.ts';
import { ApiError, badRequest, type StatusReason } from './errors.ts';
import { queryBool } from './go-query.ts';
import { headerValue } from './http-types.ts';
import { objectSelector } from './list-options.ts';
import type { NodeMetrics, PodMetrics, ResourceMetricsProvider } from './resource-provider.ts';
import {
  includeObjectFrom,
  metricsTable,
  tableVersionFor,
  type TableEntry,
} from './resource-table.ts';
import {
  nodeMetricsJson,
  nodeMetricsListJson,
  podMetricsJson,
  podMetricsListJson,
  podTotal,
} from './resource-wire.ts';
import { methodNotSupported, routeNotFound, type StatusResult } from './status.ts';

const METRICS_GROUP = 'metrics.k8s.io';

/** metrics.k8s.io/v1beta1's APIResourceList, sorted by name (upstream-behaviour: discovery). */
export const METRICS_RESOURCES: readonly ApiResourceDoc[] = [
  {
    name: 'nodes',
    singularName: '',
    namespaced: false,
    kind: 'NodeMetrics',
    verbs: ['get', 'list'],
  },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

type Route =
  | { readonly kind: 'nodes' }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'pods'; readonly namespace: string }
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string };

/** The route for the path segments after `/apis/metrics.k8s.io/v1beta1/`, or undefined. */
export const resourceRoute = (segments: readonly string[]): Route | undefined => {
  const s = segments.at(-1) === '' ? segments.slice(0, -1) : segments;
  const [a, b, c, d] = s;
  if (s.length === 1 && a === 'nodes') return { kind: 'nodes' };
  if (s.length === 2 && a === 'nodes' && b !== '' && b !== undefined)
    return { kind: 'node', name: b };
  if (s.length === 1 && a === 'pods') return { kind: 'pods', namespace: '' };
  if (a !== 'namespaces' || b === undefined || b === '' || c !== 'pods') return undefined;
  if (s.length === 3) return { kind: 'pods', namespace: b };
  if (s.length === 4 && d !== undefined && d !== '') return { kind: 'pod', namespace: b, name: d };
  return undefined;
};

export interface ResourceMetricsRequest {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly accept: string | undefined;
  readonly signal: AbortSignal;
}

const KNOWN_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

/** `fieldSelector` as the apiserver converts it: 400 on a parse error or another field. */
const fieldSelector = (query: URLSearchParams): readonly FieldRequirement[] => {
  let terms: readonly FieldRequirement[];
  try {
    terms = parseFieldSelector(query.get('fieldSelector') ?? '');
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const unknown = terms.find((t) => !KNOWN_FIELDS.has(t.field));
  if (unknown !== undefined) {
    throw badRequest(
      `${JSON.stringify(unknown.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
    );
  }
  return terms;
};

/** A Status the app would write, as a thrown ApiError. */
const fromStatus = (r: StatusResult, reason: StatusReason): ApiError =>
  new ApiError(r.code, reason, r.body.message, r.body.details);

const nodeEntry = (m: NodeMetrics, nowMs: number): TableEntry => ({
  name: m.name,
  usage: m.usage,
  windowMs: m.windowMs,
  object: nodeMetricsJson(m, nowMs),
});

const podEntry = (m: PodMetrics, nowMs: number): TableEntry => ({
  name: m.name,
  usage: podTotal(m),
  windowMs: m.windowMs,
  object: podMetricsJson(m, nowMs),
});

/** Fetches what the route names and renders it as JSON or, when asked, as a Table. */
const answer = async (
  route: Route,
  req: ResourceMetricsRequest,
  provider: ResourceMetricsProvider,
  nowMs: number,
): Promise<unknown> => {
  const table = tableVersionFor(req.accept);
  const asTable = (entries: TableEntry[]) =>
    table === undefined ? undefined : metricsTable(entries, table, includeObjectFrom(req.query));
  switch (route.kind) {
    case 'node': {
      const m = await provider.getNode(route.name, req.signal);
      return asTable([nodeEntry(m, nowMs)]) ?? nodeMetricsJson(m, nowMs);
    }
    case 'pod': {
      const m = await provider.getPod(route.namespace, route.name, req.signal);
      return asTable([podEntry(m, nowMs)]) ?? podMetricsJson(m, nowMs);
    }
    case 'nodes': {
      const items = await provider.listNodes(
        objectSelector(req.query),
        fieldSelector(req.query),
        req.signal,
      );
      return asTable(items.map((m) => nodeEntry(m, nowMs))) ?? nodeMetricsListJson(items, nowMs);
    }
    case 'pods': {
      const selector = objectSelector(req.query);
      const fields = fieldSelector(req.query);
      const items = await provider.listPods(route.namespace, selector, fields, req.signal);
      return asTable(items.map((m) => podEntry(m, nowMs))) ?? podMetricsListJson(items, nowMs);
    }
  }
};

/**
 * Answers one GET under `/apis/metrics.k8s.io/v1beta1/`: the object to serialize as JSON (a
 * NodeMetrics/PodMetrics, their list, or a meta.k8s.io Table). Throws ApiError: 404 for an
 * unknown path (route-not-found Status) or object (upstream-behaviour: resource-api),
 * 400 for bad selectors, 405
 * for `watch`.
 */
export const handleResourceMetrics = async (
  req: ResourceMetricsRequest,
  provider: ResourceMetricsProvider,
  nowMs: number,
): Promise<unknown> => {
  const route = resourceRoute(req.segments);
  if (route === undefined) throw fromStatus(routeNotFound(), 'NotFound');
  if (queryBool(req.query, 'watch')) {
    const resource = route.kind === 'node' || route.kind === 'nodes' ? 'nodes' : 'pods';
    throw fromStatus(methodNotSupported(METRICS_GROUP, resource, 'watch'), 'MethodNotAllowed');
  }
  return answer(route, req, provider, nowMs);
};

const ROUTES: readonly RouteDoc[] = [
  ['nodes', 'listNodeMetrics', 'list objects of kind NodeMetrics', 'NodeMetricsList'],
  ['nodes/{name}', 'readNodeMetrics', 'read the specified NodeMetrics', 'NodeMetrics'],
  ['pods', 'listPodMetricsForAllNamespaces', 'list objects of kind PodMetrics', 'PodMetricsList'],
  [
    'namespaces/{namespace}/pods',
    'listNamespacedPodMetrics',
    'list objects of kind PodMetrics',
    'PodMetricsList',
  ],
  [
    'namespaces/{namespace}/pods/{name}',
    'readNamespacedPodMetrics',
    'read the specified PodMetrics',
    'PodMetrics',
  ],
].map(([path = '', operation = '', description = '', responseKind = '']) => ({
  path,
  operation,
  description,
  responseKind,
  params: [
    ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1] ?? '',
      in: 'path' as const,
      description:
        m[1] === 'namespace'
          ? 'object name and auth scope, such as for teams and projects'
          : 'name of the resource',
    })),
    {
      name: 'pretty',
      in: 'query' as const,
      description: "If 'true', then the output is pretty printed.",
    },
  ],
}));

/** metrics.k8s.io as an ApiGroup for the app (`extraGroups`); `now` in milliseconds. */
export const resourceMetricsGroup = (
  provider: ResourceMetricsProvider,
  now: () => number,
): ApiGroup => ({
  name: METRICS_GROUP,
  versions: ['v1beta1'],
  definitionPrefix: (v) => `io.k8s.metrics.pkg.apis.metrics.${v}`,
  resources: () => METRICS_RESOURCES,
  match: (segments): GroupHandler | undefined =>
    resourceRoute(segments) === undefined
      ? undefined
      : (ctx) =>
          handleResourceMetrics(
            {
              segments,
              query: ctx.query,
              accept: headerValue(ctx.headers, 'accept'),
              signal: ctx.signal,
            },
            provider,
            now(),
          ),
  routes: ROUTES,
});
