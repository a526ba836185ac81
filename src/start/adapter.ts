/**
 * Wires one running adapter from parsed options (called by start/run.ts only): clients, the resource
 * map and its refresh, compiled rules, the relist loop, the providers, the app and the HTTPS
 * server. What is served lives in one immutable snapshot (live-state.ts) that a config reload
 * (config-reload.ts, on a change of the file or SIGHUP) or a resource-map refresh replaces whole.
 * `done` settles after `signal` aborts and everything has stopped.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, formatProblem } from '../config/config-error.ts';
import { contentHash } from '../config/config-watch.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import type { AdapterConfig } from '../config/types.ts';
import { firstResourceMap, kubeClientFor, prometheusBackendsFor, relisterFor } from './clients.ts';
import { createUrlHealth } from './url-health.ts';
import { backendsChangeProblems } from './backends.ts';
import { createHealthSource } from './health.ts';
import type { OperatorRoutes } from '../api/router.ts';
import { startServer } from '../serve/serve.ts';
import { serverOptions, untilAborted } from './server-options.ts';
import { sleep } from '../discovery/relister.ts';
import { discoverResources } from '../kubernetes/discovery.ts';
import type { Options } from '../cli/options.ts';
import type { Logger } from '../log.ts';
import { coalescedListing, coalescedQueries } from '../provider/coalesced.ts';
import { createQueryBatcher } from '../provider/batched.ts';
import { createObjectCache } from '../kubernetes/object-cache.ts';
import { checkState, compileState, readConfig } from '../rules/rules-state.ts';
import { appBuilder, lazyInformers } from './app-for-state.ts';
import { startConfigReload } from './config-reload.ts';
import { createLiveState } from './live-state.ts';
import { startSecurity } from './security.ts';
import { statusRoute } from './status-source.ts';
import { explainOperatorRoutes } from './explain-wiring.ts';
import { createRuleHealth } from '../explain/rule-health.ts';
import { followSources } from '../explain/rule-ref.ts';
import { createSelfMetrics } from '../self-metrics.ts';
import { VERSION, goPlatform } from '../version.ts';

/** The fallback re-read of --config, in case a change of its directory went unnoticed. */
const CONFIG_CHECK_INTERVAL_MS = 5_000;
/** How long after an object cache started requests wait for its first full list. */
const OBJECT_CACHE_SYNC_WAIT_MS = 10_000;

export interface AdapterContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Whether shutdown has begun: /readyz then fails while serving goes on until `signal`. */
  readonly shuttingDown: () => boolean;
  /** Extra option checks that need the config (max age vs relist interval). */
  readonly checkConfig: (config: AdapterConfig) => readonly string[];
  /** Subscribes to explicit reload requests (SIGHUP). */
  readonly onReloadRequest?: (listener: () => void) => void;
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
  // What the watcher compares with, read first: a change in between is then reloaded, not missed.
  const loadedHash =
    options.configFile === '' ? '' : contentHash(await readFile(options.configFile, 'utf8'));
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
  const first = compileState(loaded, await firstResourceMap(kube, ctx), stateOptions);
  const source = options.configFile || '<built-in default config>';
  logger.info('config compiled', { rules: first.rules.length, config: source }, 4);
  for (const w of first.warnings) logger.info('config warning', { problem: formatProblem(w) });

  const metrics = createSelfMetrics({ processMetrics: true });
  metrics.configReload(true, Date.now());
  // The flag-defined backend plus the config's `backends`, routed per rule (start/backends.ts).
  const urlHealth = createUrlHealth();
  const prometheus = prometheusBackendsFor(
    options,
    loaded.config.backends ?? [],
    metrics,
    logger,
    urlHealth.record,
  );

  const queries = coalescedQueries(prometheus, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('query', shared);
  });
  const listDirect = coalescedListing(kube, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('list', shared);
  });
  const objectCache = options.objectCache
    ? createObjectCache({
        client: kube,
        logger,
        signal,
        syncTimeoutMs: OBJECT_CACHE_SYNC_WAIT_MS,
        fallback: listDirect,
        now: Date.now,
      })
    : undefined;
  const listNames = objectCache?.list ?? listDirect;
  const batcher = createQueryBatcher({ windowMs: options.batchWindowMs });
  // Per-rule health: metrics, the no-metric warning per relist, and `ruleHealth.snapshot()`.
  const ruleHealth = createRuleHealth({
    sources: followSources(() => live.current().loaded),
    rules: () => live.current().state.rules,
    metrics: metrics.rules,
    logger,
    now: Date.now,
  });
  const relister = relisterFor(options, {
    client: prometheus,
    rules: () => live.current().state.rules,
    logger,
    observer: { ...metrics.relist, rules: ruleHealth.relisted },
  });
  const informers = lazyInformers(kube, logger, signal);
  const health = createHealthSource({
    relist: () => relister.status(),
    relistIntervalMs: options.metricsRelistIntervalMs,
    shuttingDown: ctx.shuttingDown,
    now: Date.now,
    relisting: () => live.current().state.rules.length > 0,
    extraReady: () => {
      const i = informers.started();
      if (i === undefined || !syncGatesReadiness) return {};
      const synced = i.pods.hasSynced() && i.nodes.hasSynced();
      return { 'informer-sync': synced ? undefined : 'caches not synced' };
    },
  });
  const version = {
    gitVersion: `v${VERSION}`,
    platform: goPlatform(process.platform, process.arch),
  };
  const operatorRoutes: OperatorRoutes = {
    '/status': statusRoute({
      live: () => live.current(),
      index: () => relister.current(),
      relist: () => relister.status(),
      rules: () => ruleHealth.snapshot(),
      lastReload: () => reloader.last(),
      health,
      defaultUrl: options.prometheusUrl,
      // Fixed at start: a reload may not change `backends:`.
      backends: (loaded.config.backends ?? []).map(({ name, urls }) => ({ name, urls })),
      urlUp: urlHealth.up,
      source,
      version: version.gitVersion,
      now: Date.now,
    }),
    ...(options.enableExplain
      ? explainOperatorRoutes({
          state: () => live.current().state,
          loaded: () => live.current().loaded,
          index: () => relister.current(),
          prometheus,
          listObjectNames: listNames,
          caches: () => informers.started(),
          maxAgeMs: options.metricsMaxAgeMs,
          now: Date.now,
          logger,
        })
      : {}),
  };
  const security = await startSecurity(options, ctx);
  const build = appBuilder({
    authorize: security.authorize,
    impersonate: security.impersonate,
    health,
    metricsText: metrics.text,
    operatorRoutes,
    now: () => new Date(),
    version,
    logger,
    serverAddress: `:${options.securePort}`,
    onRequest: (r) => {
      metrics.countRequest(r.attributes?.apiGroup ?? '', r.code);
    },
    relister,
    queries,
    prometheus,
    listObjectNames: listNames,
    batcher,
    informers,
    ruleObserver: ruleHealth.observer,
  });
  const live = createLiveState({ loaded, state: first }, build, Date.now);
  // Informers the start needed gate readiness until synced; ones a reload starts do not (the pod
  // would leave its endpoints, and every other API with it, for the sake of a new group).
  const syncGatesReadiness = informers.started() !== undefined;

  const reloader = startConfigReload({
    file: options.configFile,
    loadedHash,
    intervalMs: CONFIG_CHECK_INTERVAL_MS,
    signal,
    ...(ctx.onReloadRequest ? { onReloadRequest: ctx.onReloadRequest } : {}),
    live,
    stateOptions,
    // The backends' clients are built once at start: a reload may not change `backends:`.
    checkConfig: (config) => [
      ...ctx.checkConfig(config),
      ...backendsChangeProblems(loaded.config)(config),
    ],
    applied: () => {
      relister.trigger();
    },
    record: metrics.configReload,
    logger,
    now: Date.now,
  });

  // --discovery-interval=0 (upstream's default) means: never refresh. The refreshed map is
  // compiled with whatever config is current once it has arrived.
  const refreshResources = async (): Promise<void> => {
    while (!signal.aborted && options.discoveryIntervalMs > 0) {
      await sleep(options.discoveryIntervalMs, signal);
      if (signal.aborted) return;
      try {
        const map = (await discoverResources(kube, signal)).map;
        const next = live.refresh(compileState(live.current().loaded, map, stateOptions));
        logger.info('resource map refreshed', { resources: next.state.resources.all().length }, 4);
      } catch (err) {
        logger.error('resource map refresh failed; keeping the last good one', { err });
      }
    }
  };

  const server = await startServer(live.app, {
    ...serverOptions(options),
    identify: security.identify,
    logger,
  });
  logger.info('serving', { address: server.address, port: server.port });

  const loops = [relister.run(signal), refreshResources()];
  const done = (async () => {
    await untilAborted(signal);
    await server.close();
    await Promise.allSettled(loops);
    await informers.stopped();
    await objectCache?.stopped();
    await Promise.allSettled([prometheus.close(), kube.close(), security.close()]);
  })();
  return { port: server.port, done };
};
