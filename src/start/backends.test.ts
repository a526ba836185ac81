import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../api/errors.ts';
import type { AdapterConfig, BackendConfig } from '../config/types.ts';
import { createLogger } from '../log.ts';
import { createPrometheusClient } from '../prometheus/client.ts';
import type { QueryResult, QueryRoute, QueryTarget } from '../prometheus/types.ts';
import { coalescedQueries } from '../provider/coalesced.ts';
import { backendsChangeProblems, createBackends } from './backends.ts';

/**
 * A real Prometheus-shaped HTTP server that records the X-Scope-OrgID of every call and answers
 * queries with a value derived from it (tenant `team-a` → 1, anything else → 2), and series
 * calls with one series per tenant plus one shared series.
 */
const tenantServer = () => {
  const seen: { path: string; tenant: string | undefined; label: string }[] = [];
  const server = createServer((req, res) => {
    const tenant = req.headers['x-scope-orgid'] as string | undefined;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const label = req.headers['x-label'] as string;
    seen.push({ path, tenant, label });
    const data =
      path === '/api/v1/series'
        ? [{ __name__: `m_${tenant ?? 'none'}` }, { __name__: 'shared' }]
        : {
            resultType: 'vector',
            result: [{ metric: {}, value: [1, tenant === 'team-a' ? '1' : '2'] }],
          };
    // Slow enough for concurrent A/B calls to overlap inside the coalescing window.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data }));
    }, 20);
  });
  return { server, seen, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const valueOf = (r: QueryResult) => (r.type === 'vector' ? r.samples[0]?.value : undefined);

describe('createBackends', () => {
  const s = tenantServer();
  before(async () => {
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    s.server.close();
  });

  const make = (extra: Partial<BackendConfig> = {}) =>
    createBackends({
      defaultClient: createPrometheusClient({
        baseUrl: s.url(),
        headers: { 'X-Label': ['default'] },
      }),
      defaultUrl: s.url(),
      backends: [
        {
          name: 'mimir',
          urls: [s.url()],
          headers: { 'X-Label': 'mimir' },
          tenant: { header: 'X-Scope-OrgID', template: 'team-<<.Namespace>>' },
          namespaceTenants: { 'kube-system': 'infra' },
          tenants: ['team-a', 'team-b'],
          ...extra,
        },
      ],
      clientFor: (backend, url, extraHeaders) =>
        createPrometheusClient({
          baseUrl: url,
          headers: {
            ...Object.fromEntries(Object.entries(backend.headers ?? {}).map(([k, v]) => [k, [v]])),
            ...extraHeaders,
          },
        }),
      now: Date.now,
      logger: createLogger({ verbosity: -1 }),
    });

  it('sends concurrent A/B requests with their own tenant, even through the coalescer', async () => {
    s.seen.length = 0;
    const backends = make();
    const queries = coalescedQueries(backends, 1000, () => undefined);
    const routes = ['a', 'b', 'a', 'b', 'kube-system', undefined].map((ns) =>
      ns === undefined ? { backend: 'default' } : { backend: 'mimir', namespace: ns },
    );
    const results = await Promise.all(routes.map((r) => queries.query('up', 1000, undefined, r)));
    assert.deepEqual(results.map(valueOf), [1, 2, 1, 2, 2, 2]);
    const tenants = s.seen.map((x) => `${x.label}:${x.tenant ?? '-'}`).sort();
    assert.deepEqual(tenants, ['default:-', 'mimir:infra', 'mimir:team-a', 'mimir:team-b']);
    await backends.close();
  });

  it('refuses a root-scoped request with 400 unless defaultTenant is set', async () => {
    const backends = make();
    await assert.rejects(
      backends.query('up', 1000, undefined, { backend: 'mimir', namespace: '' }),
      (err: unknown) =>
        err instanceof ApiError && err.code === 400 && /no defaultTenant/.test(err.message),
    );
    s.seen.length = 0;
    const withDefault = make({ defaultTenant: 'ops' });
    await withDefault.query('up', 1000, undefined, { backend: 'mimir' });
    assert.deepEqual(
      s.seen.map((x) => x.tenant),
      ['ops'],
    );
    await Promise.all([backends.close(), withDefault.close()]);
  });

  it('tells each query where it went: backend, URL, tenant header (explain shows it)', async () => {
    const backends = make({ urls: ['http://127.0.0.1:1', s.url()] });
    const table: readonly {
      readonly route: QueryRoute;
      readonly want: QueryTarget;
      readonly ok: boolean;
    }[] = [
      { route: {}, want: { name: 'default', url: s.url() }, ok: true },
      {
        route: { backend: 'default', namespace: 'a' },
        want: { name: 'default', url: s.url() },
        ok: true,
      },
      {
        route: { backend: 'mimir', namespace: 'a' },
        want: { name: 'mimir', url: s.url(), tenant: { header: 'X-Scope-OrgID', value: 'team-a' } },
        ok: true,
      },
      {
        route: { backend: 'mimir', namespace: 'kube-system' },
        want: { name: 'mimir', url: s.url(), tenant: { header: 'X-Scope-OrgID', value: 'infra' } },
        ok: true,
      },
      // Root-scoped without defaultTenant: refused before any URL is asked.
      { route: { backend: 'mimir' }, want: { name: 'mimir' }, ok: false },
    ];
    for (const row of table) {
      const told: QueryTarget[] = [];
      const asked = backends.query('up', 1000, undefined, {
        ...row.route,
        onTarget: (t) => told.push(t),
      });
      await (row.ok ? asked : assert.rejects(asked));
      assert.deepEqual(told, [row.want], JSON.stringify(row.route));
    }
    await backends.close();
  });

  it('tells a default-backend query that nothing answered when its URL is down', async () => {
    const backends = createBackends({
      defaultClient: createPrometheusClient({ baseUrl: 'http://127.0.0.1:1' }),
      defaultUrl: 'http://127.0.0.1:1',
      backends: [],
      clientFor: () => {
        throw new Error('no config backends');
      },
      now: Date.now,
      logger: createLogger({ verbosity: -1 }),
    });
    const told: QueryTarget[] = [];
    await assert.rejects(backends.query('up', 1000, undefined, { onTarget: (t) => told.push(t) }));
    assert.deepEqual(told, [{ name: 'default' }]);
    await backends.close();
  });

  it('relists every configured tenant and merges the series', async () => {
    s.seen.length = 0;
    const backends = make();
    const series = await backends.series('{__name__=~".+"}', 0, undefined, { backend: 'mimir' });
    assert.equal(series.count, 6, 'two series per tenant');
    assert.deepEqual(series.shapes.map((x) => x.name).sort(), [
      'm_infra',
      'm_team-a',
      'm_team-b',
      'shared',
    ]);
    assert.deepEqual(s.seen.map((x) => x.tenant).sort(), ['infra', 'team-a', 'team-b']);
    await backends.close();
  });
});

describe('backendsChangeProblems', () => {
  const base = { rules: [], externalRules: [] } as unknown as AdapterConfig;
  const vm = { name: 'vm', urls: ['http://vm:8428'] } as BackendConfig;
  const cases: readonly [string, AdapterConfig, AdapterConfig, number][] = [
    ['no backends before or after', base, base, 0],
    ['same backends', { ...base, backends: [vm] }, { ...base, backends: [vm] }, 0],
    ['a backend added', base, { ...base, backends: [vm] }, 1],
    [
      'a URL changed',
      { ...base, backends: [vm] },
      { ...base, backends: [{ ...vm, urls: ['http://x'] }] },
      1,
    ],
    ['a backend removed', { ...base, backends: [vm] }, base, 1],
  ];
  for (const [name, running, next, problems] of cases) {
    it(name, () => {
      assert.equal(backendsChangeProblems(running)(next).length, problems);
    });
  }
});
