/**
 * Test support for Thanos tenancy: an instant query straight to Thanos Query with (or without) a
 * tenant header, and Query's own per-tenant request counters (`http_requests_total{tenant}`), the
 * independent witness of which tenant every request the adapter sent carried.
 */

/** Thanos' tenant header (`--receive.tenant-header`, `--query.tenant-header` default). */
export const TENANT_HEADER = 'THANOS-TENANT';

/** One sample of an instant vector. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/** What Thanos answered: the HTTP status and the body's status, and the vector when there is one. */
export interface TenantAnswer {
  readonly http: number;
  readonly status: string;
  readonly result: readonly VectorSample[];
  readonly body: string;
}

/** `GET /api/v1/query` on Thanos Query at `url`, with `tenant` in THANOS-TENANT unless undefined. */
export const queryAs = async (
  url: string,
  promql: string,
  tenant: string | undefined,
): Promise<TenantAnswer> => {
  const res = await fetch(
    `${url}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`,
    {
      headers: tenant === undefined ? {} : { [TENANT_HEADER]: tenant },
      signal: AbortSignal.timeout(10_000),
    },
  );
  const body = await res.text();
  const parsed = JSON.parse(body) as { status: string; data?: { result?: VectorSample[] } };
  return { http: res.status, status: parsed.status, result: parsed.data?.result ?? [], body };
};

/**
 * Query's `http_requests_total` for `handler` summed over codes, by tenant (Thanos counts every API
 * request under the tenant it resolved: the header's, else `--query.default-tenant-id`).
 */
export const requestsByTenant = async (
  url: string,
  handler: 'query' | 'series',
): Promise<Map<string, number>> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  const re = /^http_requests_total\{([^}]*)\} (\S+)$/gm;
  for (const m of text.matchAll(re)) {
    const labels = m[1] ?? '';
    if (!labels.includes(`handler="${handler}"`)) continue;
    const tenant = /tenant="([^"]*)"/.exec(labels)?.[1] ?? '';
    counts.set(tenant, (counts.get(tenant) ?? 0) + Number(m[2]));
  }
  return counts;
};

/** How many more requests each tenant made between two `requestsByTenant` readings. */
export const tenantDelta = (
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<string, number> =>
  Object.fromEntries(
    [...after]
      .map(([tenant, n]) => [tenant, n - (before.get(tenant) ?? 0)] as const)
      .filter(([, d]) => d !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
