/**
 * external.metrics.k8s.io v1beta1 (custom-metrics-apiserver emhandlers.go and
 * registry/external_metrics): one GET route, `namespaces/{namespace}/{metric}`, whose
 * `labelSelector` selects metric series. `watch` is refused with 405.
 */
import type { ApiGroup, GroupHandler, RouteDoc } from './api-group.ts';
import { ApiError } from './errors.ts';
import { queryBool } from './go-query.ts';
import { objectSelector } from './list-options.ts';
import type { ExternalMetricsProvider } from './provider.ts';
import { methodNotSupported } from './status.ts';
import { externalMetricList } from './wire.ts';

const EXTERNAL_GROUP = 'external.metrics.k8s.io';

const watchRefused = (): ApiError => {
  const { body } = methodNotSupported(EXTERNAL_GROUP, '*', 'watch');
  return new ApiError(405, 'MethodNotAllowed', body.message, body.details);
};

const handler =
  (provider: ExternalMetricsProvider, metric: string): GroupHandler =>
  async (ctx) => {
    const selector = objectSelector(ctx.query);
    if (queryBool(ctx.query, 'watch')) throw watchRefused();
    const values = await provider.get(
      { namespace: ctx.info.namespace, metric, selector },
      ctx.signal,
    );
    return externalMetricList(values);
  };

const ROUTES: readonly RouteDoc[] = [
  {
    path: 'namespaces/{namespace}/{metric}',
    operation: 'listExternalMetricValue',
    description: 'list external metrics',
    responseKind: 'ExternalMetricValueList',
    params: [
      {
        name: 'namespace',
        in: 'path',
        description: 'object name and auth scope, such as for teams and projects',
      },
      { name: 'metric', in: 'path', description: 'the name of the metric' },
      {
        name: 'labelSelector',
        in: 'query',
        description: 'A selector to restrict the metric series by their labels.',
      },
      { name: 'pretty', in: 'query', description: "If 'true', then the output is pretty printed." },
    ],
  },
];

/** The external metrics group: one namespaced `ExternalMetricValueList` resource per metric. */
export const externalMetricsGroup = (provider: ExternalMetricsProvider): ApiGroup => ({
  name: EXTERNAL_GROUP,
  versions: ['v1beta1'],
  definitionPrefix: (v) => `io.k8s.metrics.pkg.apis.external_metrics.${v}`,
  resources: () =>
    provider.listMetrics().map((name) => ({
      name,
      singularName: '',
      namespaced: true,
      kind: 'ExternalMetricValueList',
      verbs: ['get'],
    })),
  match: (s) =>
    s.length === 3 && s[0] === 'namespaces' ? handler(provider, s[2] ?? '') : undefined,
  routes: ROUTES,
});
