/**
 * Shared by the hostile request properties (requests.property.test.ts through the app,
 * serving.property.test.ts over TLS): the generators of methods, request targets and query
 * strings, the app over the real providers, and the check every answer must pass.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createApp } from '../../src/api/app.ts';
import { resourceMetricsGroup } from '../../src/api/resource-metrics.ts';
import { silentLogger } from '../../src/log.ts';
import { hostileString } from '../support/arbitraries.ts';
import { createPipeline, sampleOf } from './pipeline.ts';

const SEGMENTS = [
  'apis',
  'api',
  'custom.metrics.k8s.io',
  'external.metrics.k8s.io',
  'metrics.k8s.io',
  'v1beta1',
  'v1beta2',
  'v1',
  'namespaces',
  'n',
  'pods',
  'p',
  'nodes',
  'namespaces',
  'deployments.apps',
  '*',
  'http_requests',
  'queue_depth',
  'cluster_load',
  'node_temperature',
  'by_values_gauge',
  'watch',
  'proxy',
  'metrics',
  'openapi',
  'healthz',
  'readyz',
  'livez',
  'version',
  '',
  '.',
  '..',
  '%2e%2e',
  '%2F',
  '%2f..%2f',
  '%',
  '%ZZ',
  '%C3%28',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%E2%80%AE',
  ';',
  '?',
  '#',
];

const ENCODINGS = [
  (s: string) => encodeURIComponent(s),
  (s: string) => s.replace(/[\s#?%/]/g, encodeURIComponent),
  (s: string) => Array.from(s, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SEGMENTS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(hostileString(4), fc.nat(ENCODINGS.length - 1))
      .map(([s, i]) => ENCODINGS[i]?.(s) ?? s),
  },
  { weight: 1, arbitrary: fc.nat(3).map((n) => 'x'.repeat(10 ** (n + 1))) },
);

const QUERY_KEYS = [
  'labelSelector',
  'metricLabelSelector',
  'fieldSelector',
  'watch',
  'as',
  'timeout',
  'limit',
  'resourceVersion',
  'pretty',
];

const queryPart = fc
  .tuple(
    fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileString(2).map(encodeURIComponent)),
    fc.oneof(
      fc.constantFrom('app=x', 'app in (a,b)', '!app', 'app.kubernetes.io/name=x', 'a>1', 'true'),
      hostileString(4).map(encodeURIComponent),
      hostileString(4).map((s) => s.replace(/[&#]/g, encodeURIComponent)),
      fc.constantFrom('%', '%ZZ', '%C3%28', '%ED%A0%80', 'x'.repeat(20_000)),
    ),
  )
  .map(([k, v]) => `${k}=${v}`);

/** A slot of a real route: a value that exists, or a hostile one. */
const slot = (...real: string[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: segment });

/** Real metric routes with hostile slots, so requests reach the providers and Prometheus. */
const routeParts = fc.oneof(
  fc
    .tuple(slot('v1beta1', 'v1beta2'), slot('n'), slot('pods'), slot('p', '*'))
    .chain(([v, ns, res, name]) =>
      slot('http_requests', 'by_values_gauge').map((m) => [
        'apis',
        'custom.metrics.k8s.io',
        v,
        'namespaces',
        ns,
        res,
        name,
        m,
      ]),
    ),
  fc
    .tuple(slot('v1beta2'), slot('nodes', 'namespaces'), slot('n1', 'n', '*'))
    .chain(([v, res, name]) =>
      slot('node_temperature', 'http_requests').map((m) => [
        'apis',
        'custom.metrics.k8s.io',
        v,
        res,
        name,
        m,
      ]),
    ),
  fc
    .tuple(slot('n', 'default'), slot('queue_depth', 'cluster_load'))
    .map(([ns, m]) => ['apis', 'external.metrics.k8s.io', 'v1beta1', 'namespaces', ns, m]),
  fc
    .tuple(slot('n'), slot('pods'), slot('p'))
    .map(([ns, res, name]) => ['apis', 'metrics.k8s.io', 'v1beta1', 'namespaces', ns, res, name]),
  fc
    .tuple(slot('nodes', 'pods'), fc.option(slot('n1')))
    .map(([res, name]) => ['apis', 'metrics.k8s.io', 'v1beta1', res, ...(name ? [name] : [])]),
);

export const requestTarget = fc
  .tuple(
    fc.oneof(
      { weight: 2, arbitrary: routeParts },
      { weight: 1, arbitrary: fc.array(segment, { minLength: 0, maxLength: 9 }) },
    ),
    fc.oneof(fc.constant([]), fc.array(queryPart, { maxLength: 3 })),
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  )
  .map(
    ([parts, query, slash]) =>
      `/${parts.join('/')}${slash ? '/' : ''}${query.length > 0 ? `?${query.join('&')}` : ''}`,
  );

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
export const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constantFrom(...METHODS, 'CONNECT', 'TRACE', 'get', 'FOO', 'WATCH') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }) },
);

/**
 * Our stack traces, file paths and error class names: `at f (file:…)`, `/work/…`, `.ts:12`,
 * `node:internal`, `TypeError`.
 */
const LEAK =
  /\bat \S+ \((?:file:|node:|\/)|\n\s+at |\/(?:work|home|build|src)\/|\.[jt]s:\d|node:internal|\b(?:Type|Range|Syntax|Reference|URI|Api|Matcher|Selector|QueryBuild|Regex|Config|RequestInfo|Template|Abort)Error\b/;

/** The 5xx upstream gives too (docs/upstream-behaviour.md) for requests like these. */
const UPSTREAM_5XX: readonly RegExp[] = [
  /^Internal Server Error: ".*": unable to determine kind and namespace from url, /s,
];
const UPSTREAM_500_STATUS: readonly RegExp[] = [
  // A metric label selector that does not parse: the parser's error in a reason-less 500.
  /^(?:unable to parse requirement|found '|invalid|couldn't parse|values|key|name part)/,
  // External metrics with a selector key that is not a Prometheus label name.
  /^Internal error occurred: unable to fetch metrics$/,
];

interface StatusBody {
  kind?: unknown;
  apiVersion?: unknown;
  code?: unknown;
  message?: unknown;
  status?: unknown;
}

export const checkResponse = (
  target: string,
  head: boolean,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
) => {
  const where = `${target} → ${status} ${text.slice(0, 300)}`;
  assert.ok(status >= 200 && status < 600, where);
  assert.ok(!LEAK.test(text), `leak: ${where}`);
  if (status < 400 || (head && text === '')) return;
  const type = headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const body = JSON.parse(text) as StatusBody;
    assert.equal(body.kind, 'Status', where);
    assert.equal(body.apiVersion, 'v1', where);
    assert.equal(body.code, status, where);
    assert.equal(body.status, 'Failure', where);
    if (status >= 500) {
      const message = typeof body.message === 'string' ? body.message : '';
      assert.ok(
        status === 500 && UPSTREAM_500_STATUS.some((re) => re.test(message)),
        `5xx: ${where}`,
      );
      // External metrics take the metric selector as `labelSelector`.
      assert.ok(/[?&](?:metricL|l)abelSelector=/.test(target), `5xx without a selector: ${where}`);
    }
    return;
  }
  assert.ok(type.startsWith('text/plain'), `content type ${type}: ${where}`);
  if (status >= 500) {
    assert.ok(status === 500 && UPSTREAM_5XX.some((re) => re.test(text)), `plain 5xx: ${where}`);
    return;
  }
  assert.ok(['404 page not found', '400 Bad Request'].includes(text.trim()), `plain: ${where}`);
};

/** The real app over the real providers and the pipeline's fakes, answering for `p`, `n1`, `n`. */
export const hostileApp = () => {
  const p = createPipeline();
  p.state.objects = ['p', 'q'];
  p.state.pods = [{ namespace: 'n', name: 'p', labels: { app: 'x' }, creationTimestamp: '' }];
  p.state.nodes = [{ name: 'n1', labels: {} }];
  const labels = { pod: 'p', node: 'n1', instance: 'n1', namespace: 'n', container: 'c' };
  p.prometheus.answer = () => ({ type: 'vector', samples: [sampleOf(labels)] });
  const app = createApp({
    custom: p.custom,
    external: p.external,
    extraGroups: [resourceMetricsGroup(p.resource, () => 1_700_000_000_000)],
    health: { readyChecks: () => ({ 'metric-index': undefined }), liveChecks: () => ({}) },
    authorize: () => Promise.resolve({ allowed: true }),
    now: () => new Date(1_700_000_000_000),
    version: { gitVersion: 'v0.1.0' },
    logger: silentLogger(),
  });

  return { p, app };
};
