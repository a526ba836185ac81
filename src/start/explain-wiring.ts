/**
 * The explain engine's deps from the parts serving is built of: an explained request is answered
 * by a fresh app over fresh providers — the same factories `adapter.ts` uses — whose Prometheus
 * client, object lister and clock are the engine's recording taps. Used by the running adapter
 * (`/debug/explain`) and by the `explain` subcommand.
 */
import type { ApiGroup } from '../api/api-group.ts';
import { createApp } from '../api/app.ts';
import { resourceMetricsGroup } from '../api/resource-metrics.ts';
import type { OperatorRoutes } from '../api/router.ts';
import { EXPLAIN_PATH, explainHandler } from '../explain/debug-route.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { MetricIndex } from '../discovery/metric-index.ts';
import type { ExplainDeps, ExplainTaps, ListObjectNames } from '../explain/deps.ts';
import { followSources } from '../explain/rule-ref.ts';
import type { Informer } from '../kubernetes/informer.ts';
import type { NodeMeta, PodMeta } from '../kubernetes/metadata-informers.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient } from '../prometheus/types.ts';
import { createCustomProvider } from '../provider/custom.ts';
import { createExternalProvider } from '../provider/external.ts';
import { createResourceProvider } from '../provider/resource.ts';
import type { RulesState } from '../rules/rules-state.ts';
import { VERSION } from '../version.ts';

export interface ResourceCaches {
  readonly pods: Pick<Informer<PodMeta>, 'items' | 'get'>;
  readonly nodes: Pick<Informer<NodeMeta>, 'items' | 'get'>;
}

export interface ExplainWiring {
  readonly state: () => RulesState;
  readonly loaded: () => LoadedConfig;
  readonly index: () => MetricIndex;
  /** The backend router (start/backends.ts): each query and series call to its rule's backend. */
  readonly prometheus: Pick<PrometheusClient, 'query' | 'series'>;
  readonly listObjectNames: ListObjectNames;
  /** The pod and node caches, once running (only with `resourceRules`). */
  readonly caches?: () => ResourceCaches | undefined;
  /** `--metrics-max-age`: the series window of the rules that came close. */
  readonly maxAgeMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

const groupsFor = (w: ExplainWiring, state: RulesState, taps: ExplainTaps): ApiGroup[] => {
  const { resourceRules } = state;
  const caches = w.caches?.();
  if (resourceRules === undefined || caches === undefined) return [];
  const provider = createResourceProvider({
    pods: caches.pods,
    nodes: caches.nodes,
    rules: () => resourceRules,
    prometheus: taps.prometheus,
    now: taps.now,
    logger: w.logger,
  });
  return [resourceMetricsGroup(provider, taps.now)];
};

/** The app serving builds, on the taps (no authorization: the caller was authorized already). */
const appOn = (w: ExplainWiring, taps: ExplainTaps) => {
  const state = w.state();
  const has = (kind: 'custom' | 'external') => state.rules.some((r) => r.kind === kind);
  const common = { index: w.index, prometheus: taps.prometheus, now: taps.now, logger: w.logger };
  return createApp({
    ...(has('custom')
      ? {
          custom: createCustomProvider({
            ...common,
            resources: () => state.resources,
            listObjectNames: taps.listObjectNames,
          }),
        }
      : {}),
    ...(has('external') ? { external: createExternalProvider(common) } : {}),
    extraGroups: groupsFor(w, state, taps),
    health: { readyChecks: () => ({}), liveChecks: () => ({}) },
    now: () => new Date(taps.now()),
    version: { gitVersion: `v${VERSION}` },
    logger: w.logger,
  });
};

export const explainDeps = (w: ExplainWiring): ExplainDeps => {
  return {
    state: w.state,
    sources: followSources(w.loaded),
    index: w.index,
    prometheus: w.prometheus,
    listObjectNames: w.listObjectNames,
    now: w.now,
    series: async (query, signal, backend) => {
      try {
        const start = (w.now() - w.maxAgeMs) / 1000;
        const series = await w.prometheus.series(query, start, signal, { backend });
        return { ok: true, series };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    serve: async (path, taps, signal) => {
      const res = await appOn(w, taps).handle({
        method: 'GET',
        path,
        headers: { accept: 'application/json' },
        signal,
      });
      return { status: res.status, body: res.body.toString() };
    },
  };
};

/** `/debug/explain` as an operator route. */
export const explainOperatorRoutes = (w: ExplainWiring): OperatorRoutes => ({
  [EXPLAIN_PATH]: explainHandler(explainDeps(w), w.logger),
});
