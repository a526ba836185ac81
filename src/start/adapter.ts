/**
 * Wires one running adapter from parsed options (called by start/run.ts only): clients, the resource
 * map and its refresh, compiled rules, the relist loop, the three providers, the app and the
 * HTTPS server. `done` settles after `signal` aborts and everything has stopped.
 */
import { ConfigError, formatProblem } from '../config/config-error.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import type { AdapterConfig } from '../config/types.ts';
import {
  backendClientFor,
  firstResourceMap,
  kubeClientFor,
  prometheusClientFor,
} from './clients.ts';
import { createBackends } from './backends.ts';
import { createHealthSource } from './health.ts';
import type { ApiGroup } from '../api/api-group.ts';
import { createApp } from '../api/app.ts';
import { resourceMetricsGroup } from '../api/resource-metrics.ts';
import { startServer } from '../serve/serve.ts';
import { createRelister, sleep } from '../discovery/relister.ts';
import { discoverResources } from '../kubernetes/discovery.ts';
import { createNodeInformer, createRunningPodInformer } from '../kubernetes/metadata-informers.ts';
import type { Logger } from '../log.ts';
import type { Options } from '../cli/options.ts';
import { coalescedListing, coalescedQueries } from '../provider/coalesced.ts';
import { createCustomProvider } from '../provider/custom.ts';
import { createExternalProvider } from '../provider/external.ts';
import { createResourceProvider } from '../provider/resource.ts';
import { checkState, compileState, readConfig, type RulesState } from '../rules/rules-state.ts';
import { startSecurity } from './security.ts';
import { explainOperatorRoutes } from './explain-wiring.ts';
import { createRuleHealth } from '../explain/rule-health.ts';
import { ruleSources } from '../explain/rule-ref.ts';
import { createSelfMetrics } from '../self-metrics.ts';
import { VERSION, goPlatform } from '../version.ts';

export interface AdapterContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Whether shutdown has begun: /readyz then fails while serving goes on until `signal`. */
  readonly shuttingDown: () => boolean;
  /** Extra option checks that need the config (max age vs relist interval). */
  readonly checkConfig: (config: AdapterConfig) => readonly string[];
}

export interface RunningAdapter {
  readonly port: number;
  readonly done: Promise<void>;
}

export const startAdapter = async (
  options: Options,
  ctx: AdapterContext,
): Promise<RunningAdapter> => {
  const { logger, signal } = ctx;
  const loaded = await readConfig(options.configFile, options.rateIntervalMs);
  const stateOptions = { strictPromql: options.strictPromql };
  if (loaded.problems.length > 0) {
    // A schema problem stops the start before the cluster is asked anything; the rules that did
    // decode are checked against the built-in resources so that every problem shows at once.
    throw new ConfigError(checkState(loaded, builtinResourceMap(), stateOptions).errors);
  }
  const configProblems = ctx.checkConfig(loaded.config);
  if (configProblems.length > 0) throw new Error(configProblems.join('; '));
  const kube = kubeClientFor(options);
  let state: RulesState = compileState(loaded, await firstResourceMap(kube, ctx), stateOptions);
  logger.info(
    'config compiled',
    { rules: state.rules.length, config: options.configFile || '<default>' },
    4,
  );
  for (const w of state.warnings) logger.info('config warning', { problem: formatProblem(w) });

  const metrics = createSelfMetrics({ processMetrics: true });
  // The flag-defined backend plus the config's `backends`, routed per rule (start/backends.ts).
  const prometheus = createBackends({
    defaultClient: prometheusClientFor(options, metrics, logger),
    backends: loaded.config.backends ?? [],
    clientFor: backendClientFor(options, metrics, logger),
    now: Date.now,
    logger,
    onHealth: metrics.backendUp,
  });

  const queries = coalescedQueries(prometheus, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('query', shared);
  });
  const listNames = coalescedListing(kube, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('list', shared);
  });
  // Per-rule health: metrics, the no-metric warning per relist, and `ruleHealth.snapshot()`.
  const sources = ruleSources(loaded);
  const ruleHealth = createRuleHealth({
    sources: () => sources,
    rules: () => state.rules,
    metrics: metrics.rules,
    logger,
    now: Date.now,
  });
  const relisting = state.rules.length > 0;
  const relister = createRelister({
    client: prometheus,
    rules: () => state.rules,
    intervalMs: options.metricsRelistIntervalMs,
    maxAgeMs: options.metricsMaxAgeMs,
    concurrency: 4,
    now: Date.now,
    logger,
    observer: { ...metrics.relist, rules: ruleHealth.relisted },
  });

  // --discovery-interval=0 (upstream's default) means: never refresh.
  const refreshResources = async (): Promise<void> => {
    while (!signal.aborted && options.discoveryIntervalMs > 0) {
      await sleep(options.discoveryIntervalMs, signal);
      if (signal.aborted) return;
      try {
        state = compileState(loaded, (await discoverResources(kube, signal)).map, stateOptions);
        logger.info('resource map refreshed', { resources: state.resources.all().length }, 4);
      } catch (err) {
        logger.error('resource map refresh failed; keeping the last good one', { err });
      }
    }
  };

  const pods = state.resourceRules ? createRunningPodInformer(kube, logger) : undefined;
  const nodes = state.resourceRules ? createNodeInformer(kube, logger) : undefined;
  const extraGroups: ApiGroup[] = [];
  if (pods && nodes) {
    const resourceProvider = createResourceProvider({
      pods,
      nodes,
      rules: () => {
        if (!state.resourceRules) throw new Error('resourceRules vanished');
        return state.resourceRules;
      },
      prometheus,
      now: Date.now,
      logger,
    });
    extraGroups.push(resourceMetricsGroup(resourceProvider, Date.now));
  }
  const hasKind = (kind: 'custom' | 'external') => state.rules.some((r) => r.kind === kind);
  const security = await startSecurity(options, ctx);
  const app = createApp({
    authorize: security.authorize,
    ...(hasKind('custom')
      ? {
          custom: createCustomProvider({
            index: () => relister.current(),
            resources: () => state.resources,
            prometheus: queries,
            listObjectNames: listNames,
            now: Date.now,
            logger,
            observer: ruleHealth.observer,
          }),
        }
      : {}),
    ...(hasKind('external')
      ? {
          external: createExternalProvider({
            index: () => relister.current(),
            prometheus: queries,
            now: Date.now,
            logger,
            observer: ruleHealth.observer,
          }),
        }
      : {}),
    extraGroups,
    health: createHealthSource({
      relist: () => relister.status(),
      relistIntervalMs: options.metricsRelistIntervalMs,
      shuttingDown: ctx.shuttingDown,
      now: Date.now,
      relisting,
      extraReady: () =>
        pods && nodes
          ? {
              'informer-sync':
                pods.hasSynced() && nodes.hasSynced() ? undefined : 'caches not synced',
            }
          : {},
    }),
    metricsText: metrics.text,
    operatorRoutes: {
      ...(options.enableExplain
        ? explainOperatorRoutes({
            state: () => state,
            loaded: () => loaded,
            index: () => relister.current(),
            prometheus,
            listObjectNames: listNames,
            ...(pods && nodes ? { pods, nodes } : {}),
            maxAgeMs: options.metricsMaxAgeMs,
            now: Date.now,
            logger,
          })
        : {}),
    },
    now: () => new Date(),
    version: { gitVersion: `v${VERSION}`, platform: goPlatform(process.platform, process.arch) },
    logger,
    serverAddress: `:${options.securePort}`,
    onRequest: (r) => {
      metrics.countRequest(r.attributes?.apiGroup ?? '', r.code);
    },
  });

  const server = await startServer(app, {
    bindAddress: options.bindAddress,
    port: options.securePort,
    certDir: options.certDir,
    ...(options.tlsCertFile === ''
      ? {}
      : { certFile: options.tlsCertFile, keyFile: options.tlsPrivateKeyFile }),
    tlsMinVersion: options.tlsMinVersion,
    cipherSuites: options.tlsCipherSuites,
    disableHttp2: options.disableHttp2,
    ...(options.http2MaxStreamsPerConnection > 0
      ? { http2MaxStreams: options.http2MaxStreamsPerConnection }
      : {}),
    sniCertKeys: options.tlsSniCertKeys,
    identify: security.identify,
    logger,
  });
  logger.info('serving', { address: server.address, port: server.port });

  const loops = [
    relisting ? relister.run(signal) : Promise.resolve(),
    refreshResources(),
    pods ? pods.run(signal) : Promise.resolve(),
    nodes ? nodes.run(signal) : Promise.resolve(),
  ];
  const done = (async () => {
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
    });
    await server.close();
    await Promise.allSettled(loops);
    await Promise.allSettled([prometheus.close(), kube.close(), security.close()]);
  })();
  return { port: server.port, done };
};
