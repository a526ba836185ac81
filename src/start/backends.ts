/**
 * The `backends` config section at run time: one client per named backend (the flag-defined
 * `default` plus each config entry), routed by the call's QueryRoute. Each backend is a failover
 * client over its URLs, one per tenant header value (created on first use), so a request for
 * namespace A never carries B's tenant. Relists of a per-namespace tenant backend ask every
 * configured tenant and merge the series. A query's `route.onTarget` is told the backend, the URL
 * that answered and the tenant header sent (explain shows them).
 */
import type { AdapterConfig, BackendConfig } from '../config/types.ts';
import { DEFAULT_BACKEND } from '../config/schema-backends.ts';
import type { Logger } from '../log.ts';
import type { HttpPrometheusClient } from '../prometheus/client.ts';
import type { HeaderMap } from '../prometheus/headers.ts';
import type { QueryRoute, QueryTarget } from '../prometheus/types.ts';
import { mergeShapes } from '../prometheus/series-shapes.ts';
import { createFailoverClient, isFailoverError } from './failover-client.ts';
import { tenantResolver, type TenantResolver } from './tenant.ts';

export interface BackendsOptions {
  /** The flag-defined backend (`--prometheus-url` …). */
  readonly defaultClient: HttpPrometheusClient;
  /** Its URL, as queries' `onTarget` reports it. */
  readonly defaultUrl: string;
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

  const queryDefault = async (
    promql: string,
    time: number,
    signal: AbortSignal | undefined,
    onTarget: ((target: QueryTarget) => void) | undefined,
  ) => {
    const target = { name: DEFAULT_BACKEND, url: options.defaultUrl };
    try {
      const result = await options.defaultClient.query(promql, time, signal);
      onTarget?.(target);
      return result;
    } catch (err) {
      // As a failover client says it: a URL failing over (or an abandoned call) answered nothing.
      const answered = signal?.aborted !== true && !isFailoverError(err);
      onTarget?.(answered ? target : { name: DEFAULT_BACKEND });
      throw err;
    }
  };

  return {
    query: async (promql, time, signal, route) => {
      const backend = backendOf(route);
      const onTarget = route?.onTarget;
      if (backend === undefined) return queryDefault(promql, time, signal, onTarget);
      const name = route?.backend ?? DEFAULT_BACKEND;
      let value: string | undefined;
      try {
        value = backend.tenant.forNamespace(route?.namespace);
      } catch (err) {
        onTarget?.({ name });
        throw err;
      }
      const header = backend.tenant.header;
      const sent = header === undefined || value === undefined ? {} : { tenant: { header, value } };
      const told = onTarget && {
        onTarget: (t: QueryTarget) => {
          onTarget({ ...t, ...sent });
        },
      };
      return backend.clientFor(value).query(promql, time, signal, told);
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
