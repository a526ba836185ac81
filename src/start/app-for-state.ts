/**
 * Builds the app for one config snapshot (start/live-state.ts): the custom and external groups
 * exist only when the config has rules of that kind, metrics.k8s.io only with `resourceRules`,
 * whose pod and node informers start the first time a snapshot needs them and then run until
 * shutdown (a reload may add or drop the group; the caches stay warm).
 */
import type { ApiGroup } from '../api/api-group.ts';
import { createApp, type AppDeps } from '../api/app.ts';
import { resourceMetricsGroup } from '../api/resource-metrics.ts';
import type { CustomProviderDeps } from '../provider/custom.ts';
import { createCustomProvider } from '../provider/custom.ts';
import { createExternalProvider } from '../provider/external.ts';
import { createResourceProvider } from '../provider/resource.ts';
import type { Relister } from '../discovery/relister.ts';
import type { KubeClient } from '../kubernetes/client.ts';
import type { Informer } from '../kubernetes/informer.ts';
import {
  createNodeInformer,
  createRunningPodInformer,
  type NodeMeta,
  type PodMeta,
} from '../kubernetes/metadata-informers.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient } from '../prometheus/types.ts';
import type { RuleObserver } from '../provider/rule-observer.ts';
import type { QueryBatcher } from '../provider/batched.ts';
import type { AppBuilder } from './live-state.ts';

export interface ResourceInformers {
  readonly pods: Informer<PodMeta>;
  readonly nodes: Informer<NodeMeta>;
}

/** The pod and node informers, started on first use. */
export interface LazyInformers {
  /** Starts them if need be. */
  get(): ResourceInformers;
  /** The running ones, if started. */
  started(): ResourceInformers | undefined;
  /** Settles once both have stopped (at once when never started). */
  stopped(): Promise<void>;
}

export const lazyInformers = (
  kube: Pick<KubeClient, 'getJson' | 'watch'>,
  logger: Logger,
  signal: AbortSignal,
): LazyInformers => {
  let informers: ResourceInformers | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    get: () => {
      if (informers === undefined) {
        const started = {
          pods: createRunningPodInformer(kube, logger),
          nodes: createNodeInformer(kube, logger),
        };
        running = Promise.allSettled([started.pods.run(signal), started.nodes.run(signal)]);
        informers = started;
      }
      return informers;
    },
    started: () => informers,
    stopped: async () => {
      await running;
    },
  };
};

/** What every snapshot's app shares: clients, loops, security, health, self-metrics. */
export interface AppParts extends Omit<AppDeps, 'custom' | 'external' | 'extraGroups'> {
  readonly relister: Pick<Relister, 'current'>;
  /** Coalesced queries for custom and external metrics. */
  readonly queries: Pick<PrometheusClient, 'query'>;
  /** Direct queries for resource metrics. */
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  readonly listObjectNames: CustomProviderDeps['listObjectNames'];
  /** Batches custom metrics queries across requests (`--batch-window`). */
  readonly batcher?: QueryBatcher;
  readonly informers: LazyInformers;
  /** Per-rule health of the requests the custom and external providers serve. */
  readonly ruleObserver?: RuleObserver;
}

export const appBuilder =
  (parts: AppParts): AppBuilder =>
  ({ state }) => {
    const { relister, queries, logger } = parts;
    const observer = parts.ruleObserver === undefined ? {} : { observer: parts.ruleObserver };
    const index = () => relister.current();
    const hasKind = (kind: 'custom' | 'external') => state.rules.some((r) => r.kind === kind);
    const resourceRules = state.resourceRules;
    const extraGroups: ApiGroup[] = [];
    if (resourceRules !== undefined) {
      const { pods, nodes } = parts.informers.get();
      const provider = createResourceProvider({
        pods,
        nodes,
        rules: () => resourceRules,
        prometheus: parts.prometheus,
        now: Date.now,
        logger,
      });
      extraGroups.push(resourceMetricsGroup(provider, Date.now));
    }
    const deps: AppDeps = {
      ...parts,
      ...(hasKind('custom')
        ? {
            custom: createCustomProvider({
              index,
              resources: () => state.resources,
              prometheus: queries,
              listObjectNames: parts.listObjectNames,
              ...(parts.batcher === undefined ? {} : { batcher: parts.batcher }),
              now: Date.now,
              logger,
              ...observer,
            }),
          }
        : {}),
      ...(hasKind('external')
        ? {
            external: createExternalProvider({
              index,
              prometheus: queries,
              now: Date.now,
              logger,
              ...observer,
            }),
          }
        : {}),
      extraGroups,
    };
    const apis = [
      ...(deps.custom ? ['custom.metrics.k8s.io'] : []),
      ...(deps.external ? ['external.metrics.k8s.io'] : []),
      ...extraGroups.map((g) => g.name),
    ];
    return { app: createApp(deps), apis };
  };
