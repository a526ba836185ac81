/**
 * The `backends` config section at run time: one client per named backend (the flag-defined
 * `default` plus each config entry), routed by the call's QueryRoute. Each backend is a failover
 * client over its URLs, one per tenant header value (created on first use), so a request for
 * namespace A never carries B's tenant. Relists of a per-namespace tenant backend ask every
 * configured tenant and merge the series.
 */
import type { AdapterConfig, BackendConfig } from '../config/types.ts';
import { DEFAULT_BACKEND } from '../config/schema-backends.ts';
import type { Logger } from '../log.ts';
import type { HttpPrometheusClient } from '../prometheus/client.ts';
import type { HeaderMap } from '../prometheus/headers.ts';
import type { QueryRoute } from '../prometheus/types.ts';
import { mergeShapes } from '../prometheus/series-shapes.ts';
import { createFailoverClient } from './failover-client.ts';
import { tenantResolver, type TenantResolver } from './tenant.ts';

export interface BackendsOptions {
  /** The flag-defined backend (`--prometheus-url` …). */
  readonly defaultClient: HttpPrometheusClient;
  readonly backends: readonly BackendConfig[];
  /** A plain client for one URL of a backend, with extra (tenant) headers. */
  readonly clientFor: (
    backend: BackendConfig,
    url: string,
    extraHeaders: HeaderMap,
  ) => HttpPrometheusClient;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onHealth?: (backend: string, url: string, up: boolean) => void;
}

interface Backend {
  readonly tenant: TenantResolver;
  readonly byTenant: Map<string, HttpPrometheusClient>;
  readonly clientFor: (tenant: string | undefined) => HttpPrometheusClient;
}

export const createBackends = (options: BackendsOptions): HttpPrometheusClient => {
  const backends = new Map<string, Backend>();
  for (const config of options.backends) {
    const tenant = tenantResolver(config);
    const byTenant = new Map<string, HttpPrometheusClient>();
    const clientFor = (value: string | undefined): HttpPrometheusClient => {
      const key = value ?? '';
      let client = byTenant.get(key);
      if (client === undefined) {
        const headers: HeaderMap =
          tenant.header === undefined || value === undefined ? {} : { [tenant.header]: [value] };
        client = createFailoverClient({
          backend: config.name,
          urls: config.urls,
          clientFor: (url) => options.clientFor(config, url, headers),
          now: options.now,
          logger: options.logger,
          ...(options.onHealth ? { onHealth: options.onHealth } : {}),
        });
        byTenant.set(key, client);
      }
      return client;
    };
    backends.set(config.name, { tenant, byTenant, clientFor });
  }
  const backendOf = (route: QueryRoute | undefined): Backend | undefined =>
    route?.backend === undefined || route.backend === DEFAULT_BACKEND
      ? undefined
      : backends.get(route.backend);

  return {
    query: async (promql, time, signal, route) => {
      const backend = backendOf(route);
      if (backend === undefined) return options.defaultClient.query(promql, time, signal);
      const client = backend.clientFor(backend.tenant.forNamespace(route?.namespace));
      return client.query(promql, time, signal);
    },
    series: async (match, start, signal, route) => {
      const backend = backendOf(route);
      if (backend === undefined) return options.defaultClient.series(match, start, signal);
      if (!backend.tenant.perNamespace) {
        const client = backend.clientFor(backend.tenant.forNamespace(undefined));
        return client.series(match, start, signal);
      }
      const tenants = backend.tenant.relistTenants;
      if (tenants.length === 0) {
        throw new Error(
          `backend ${JSON.stringify(route?.backend)}: a per-namespace tenant needs \`tenants\` (or defaultTenant) to relist`,
        );
      }
      const lists = await Promise.all(
        tenants.map((t) => backend.clientFor(t).series(match, start, signal)),
      );
      return mergeShapes(lists);
    },
    close: async () => {
      const all = [...backends.values()].flatMap((b) => [...b.byTenant.values()]);
      await Promise.all([options.defaultClient.close(), ...all.map((c) => c.close())]);
    },
  };
};

/**
 * The reload check for `backends:` (its clients are built once at start): a config whose section
 * differs from the running one is refused with this problem.
 */
export const backendsChangeProblems =
  (running: AdapterConfig) =>
  (next: AdapterConfig): readonly string[] =>
    JSON.stringify(next.backends ?? []) === JSON.stringify(running.backends ?? [])
      ? []
      : ['backends: a changed backends section takes a restart; keeping the running config'];
