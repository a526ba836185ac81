/**
 * Which API and route a request path names, in words. Accepts the path with or without the
 * leading `/apis/` (`custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*\/m?labelSelector=…`).
 * The route shapes are the ones the API groups match (api/custom-metrics.ts,
 * api/external-metrics.ts, api/resource-metrics.ts).
 */
import { resourceRoute } from '../api/resource-metrics.ts';
import type { Api, ExplainRequest } from './types.ts';

const GROUPS: Readonly<Record<string, { api: Api; versions: readonly string[] }>> = {
  'custom.metrics.k8s.io': { api: 'custom', versions: ['v1beta1', 'v1beta2'] },
  'external.metrics.k8s.io': { api: 'external', versions: ['v1beta1'] },
  'metrics.k8s.io': { api: 'resource', versions: ['v1beta1'] },
};

/** `/apis/<group>/…` from whatever form the user typed. */
export const normalisePath = (input: string): string => {
  const trimmed = input.trim().replace(/^\/+/, '');
  return trimmed.startsWith('apis/') ? `/${trimmed}` : `/apis/${trimmed}`;
};

type Parts = Pick<ExplainRequest, 'route' | 'namespace' | 'resource' | 'name' | 'metric'>;

const customParts = (s: readonly string[]): Parts | undefined => {
  const [a = '', b = '', c = '', d = '', e = ''] = s;
  const selected = (name: string) => (name === '*' ? 'selected by label' : `named ${name}`);
  if (s.length === 3) {
    return {
      route: `custom metric of cluster-scoped ${a} ${selected(b)}`,
      namespace: '',
      resource: a,
      name: b,
      metric: c,
    };
  }
  if (s.length === 4 && a === 'namespaces' && c === 'metrics') {
    return {
      route: `custom metric of the namespace ${b} itself`,
      namespace: '',
      resource: 'namespaces',
      name: b,
      metric: d,
    };
  }
  if (s.length === 5 && a === 'namespaces') {
    return {
      route: `custom metric of ${c} in namespace ${b} ${selected(d)}`,
      namespace: b,
      resource: c,
      name: d,
      metric: e,
    };
  }
  return undefined;
};

const externalParts = (s: readonly string[]): Parts | undefined =>
  s.length === 3 && s[0] === 'namespaces'
    ? {
        route: `external metric in namespace ${s[1] ?? ''}`,
        namespace: s[1] ?? '',
        resource: '',
        name: '',
        metric: s[2] ?? '',
      }
    : undefined;

const resourceParts = (s: readonly string[]): Parts | undefined => {
  const r = resourceRoute(s);
  if (r === undefined) return undefined;
  switch (r.kind) {
    case 'nodes':
      return {
        route: 'resource metrics (cpu, memory) of every node',
        namespace: '',
        resource: 'nodes',
        name: '*',
        metric: '',
      };
    case 'node':
      return {
        route: `resource metrics (cpu, memory) of node ${r.name}`,
        namespace: '',
        resource: 'nodes',
        name: r.name,
        metric: '',
      };
    case 'pods':
      return {
        route: `resource metrics (cpu, memory) of running pods in ${r.namespace === '' ? 'every namespace' : `namespace ${r.namespace}`}`,
        namespace: r.namespace,
        resource: 'pods',
        name: '*',
        metric: '',
      };
    case 'pod':
      return {
        route: `resource metrics (cpu, memory) of pod ${r.name} in namespace ${r.namespace}`,
        namespace: r.namespace,
        resource: 'pods',
        name: r.name,
        metric: '',
      };
  }
};

const PARTS: Readonly<Record<Api, (s: readonly string[]) => Parts | undefined>> = {
  custom: customParts,
  external: externalParts,
  resource: resourceParts,
};

/** The request a path names; `problem` says why when it names no metric route. */
export const parseExplainPath = (input: string): ExplainRequest => {
  const path = normalisePath(input);
  const q = path.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  const segments = (q < 0 ? path : path.slice(0, q)).split('/').slice(2).map(decodeURIComponent);
  const [group = '', version = '', ...rest] = segments;
  const base: ExplainRequest = {
    path,
    api: undefined,
    group,
    version,
    route: '',
    namespace: '',
    resource: '',
    name: '',
    metric: '',
    labelSelector: query.get('labelSelector') ?? '',
    metricLabelSelector: query.get('metricLabelSelector') ?? '',
  };
  const known = GROUPS[group];
  if (known === undefined) {
    return {
      ...base,
      problem: `${group} is not a metrics API (custom.metrics.k8s.io, external.metrics.k8s.io, metrics.k8s.io)`,
    };
  }
  if (!known.versions.includes(version)) {
    return {
      ...base,
      api: known.api,
      problem: `${group} serves ${known.versions.join(', ')}, not ${JSON.stringify(version)}`,
    };
  }
  const parts = PARTS[known.api](rest.at(-1) === '' ? rest.slice(0, -1) : rest);
  if (parts === undefined) {
    return {
      ...base,
      api: known.api,
      problem: `/${rest.join('/')} matches no route of ${group}/${version}`,
    };
  }
  return { ...base, ...parts, api: known.api };
};
