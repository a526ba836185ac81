/**
 * The `explain` subcommand's session: the serving clients from the same flags, the config
 * compiled against the cluster's resources, one relist to know the series, the pod and node
 * caches synced once (only for metrics.k8s.io requests), and the engine on top.
 */
import type { ExplainSession } from '../cli/explain.ts';
import type { ExplainOptions } from '../cli/options.ts';
import { ConfigError } from '../config/config-error.ts';
import { explain } from '../explain/explain.ts';
import { parseExplainPath } from '../explain/route.ts';
import { createNodeInformer, createRunningPodInformer } from '../kubernetes/metadata-informers.ts';
import { listObjectNames } from '../kubernetes/objects.ts';
import { createLogger } from '../log.ts';
import { compileState, readConfig } from '../rules/rules-state.ts';
import { createSelfMetrics } from '../self-metrics.ts';
import { firstResourceMap, kubeClientFor, prometheusBackendsFor, relisterFor } from './clients.ts';
import { explainDeps, type ResourceCaches } from './explain-wiring.ts';

export const openExplainSession = async (options: ExplainOptions): Promise<ExplainSession> => {
  const logger = createLogger({ verbosity: options.verbosity });
  const loaded = await readConfig(options.configFile, options.rateIntervalMs);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  const kube = kubeClientFor({
    ...options,
    listerKubeconfig: options.kubeconfig === '' ? options.listerKubeconfig : options.kubeconfig,
  });
  const stop = new AbortController();
  // As serving queries: each rule's backend, with its failover and tenant header.
  const prometheus = prometheusBackendsFor(
    options,
    loaded.config.backends ?? [],
    createSelfMetrics({ processMetrics: false }),
    logger,
  );
  const close = async () => {
    stop.abort();
    await Promise.allSettled([prometheus.close(), kube.close()]);
  };
  try {
    const ctx = { logger, signal: stop.signal };
    const state = compileState(loaded, await firstResourceMap(kube, ctx), {
      strictPromql: options.strictPromql,
    });
    const relister = relisterFor(options, { client: prometheus, rules: () => state.rules, logger });
    await relister.runOnce(stop.signal);
    const caches = async (path: string): Promise<ResourceCaches | undefined> => {
      if (state.resourceRules === undefined || parseExplainPath(path).api !== 'resource')
        return undefined;
      const pods = createRunningPodInformer(kube, logger);
      const nodes = createNodeInformer(kube, logger);
      void pods.run(stop.signal);
      void nodes.run(stop.signal);
      await Promise.all([pods.synced(), nodes.synced()]);
      return { pods, nodes };
    };
    return {
      explain: async (path) => {
        const running = await caches(path);
        const deps = explainDeps({
          state: () => state,
          loaded: () => loaded,
          index: () => relister.current(),
          prometheus,
          listObjectNames: (info, ns, selector, signal) =>
            listObjectNames(kube, info, ns, selector, signal),
          caches: () => running,
          maxAgeMs: options.metricsMaxAgeMs,
          now: Date.now,
          logger,
        });
        return explain(deps, path, stop.signal);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
};
