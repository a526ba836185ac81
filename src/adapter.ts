/**
 * Wires one running adapter from parsed options (called by main.ts only): clients, the resource
 * map and its refresh, compiled rules, the relist loop, the three providers, the app and the
 * HTTPS server. `done` settles after `signal` aborts and everything has stopped.
 */
import type { AdapterConfig } from './config/types.ts';
import { createHealthSource } from './adapter-health.ts';
import type { ApiGroup } from './api/api-group.ts';
import { createApp } from './api/app.ts';
import { resourceMetricsGroup } from './api/resource-metrics.ts';
import { startServer } from './api/serve.ts';
import { createRelister, sleep } from './discovery/relister.ts';
import { createKubeClient, type KubeClient } from './kubernetes/client.ts';
import { discoverResources } from './kubernetes/discovery.ts';
import { inClusterConfig, loadKubeconfig } from './kubernetes/kubeconfig.ts';
import { createNodeInformer, createRunningPodInformer } from './kubernetes/metadata-informers.ts';
import type { ResourceMap } from './kubernetes/types.ts';
import type { Logger } from './log.ts';
import type { Options } from './options.ts';
import { createPrometheusClient } from './prometheus/client.ts';
import { parseHeaderArgs } from './prometheus/headers.ts';
import { coalescedListing, coalescedQueries } from './provider/coalesced.ts';
import { createCustomProvider } from './provider/custom.ts';
import { createExternalProvider } from './provider/external.ts';
import { createResourceProvider } from './provider/resource.ts';
import { compileState, readConfig, type RulesState } from './rules-state.ts';
import { startSecurity } from './security.ts';
import { createSelfMetrics } from './self-metrics.ts';
import { VERSION } from './version.ts';

export interface AdapterContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Extra option checks that need the config (max age vs relist interval). */
  readonly checkConfig: (config: AdapterConfig) => readonly string[];
}

export interface RunningAdapter {
  readonly port: number;
  readonly done: Promise<void>;
}

/** Initial discovery must succeed; it is retried for a while (the apiserver may be starting). */
const firstResourceMap = async (kube: KubeClient, ctx: AdapterContext): Promise<ResourceMap> => {
  for (let attempt = 1; ; attempt++) {
    try {
      const found = await discoverResources(kube, ctx.signal);
      if (found.failedGroups.length > 0) {
        ctx.logger.info(
          'some API groups could not be discovered',
          { groups: found.failedGroups },
          1,
        );
      }
      return found.map;
    } catch (err) {
      if (attempt >= 10 || ctx.signal.aborted)
        throw new Error('unable to discover cluster resources', { cause: err });
      ctx.logger.error('resource discovery failed; retrying', { attempt, err });
      await sleep(Math.min(1000 * 2 ** attempt, 10_000), ctx.signal);
    }
  }
};

const kubeClientFor = (options: Options): KubeClient =>
  createKubeClient(
    options.listerKubeconfig === '' ? inClusterConfig() : loadKubeconfig(options.listerKubeconfig),
    {
      qps: options.clientQps,
      burst: options.clientBurst,
      userAgent: `k8s-prometheus-adapter/${VERSION}`,
    },
  );

export const startAdapter = async (
  options: Options,
  ctx: AdapterContext,
): Promise<RunningAdapter> => {
  const { logger, signal } = ctx;
  const loaded = await readConfig(options.configFile, options.rateIntervalMs);
  const configProblems = ctx.checkConfig(loaded.config);
  if (configProblems.length > 0) throw new Error(configProblems.join('; '));
  const kube = kubeClientFor(options);
  let state: RulesState = compileState(loaded, await firstResourceMap(kube, ctx));
  logger.info(
    'config compiled',
    { rules: state.rules.length, config: options.configFile || '<default>' },
    4,
  );

  const metrics = createSelfMetrics({ processMetrics: true });
  const prometheus = createPrometheusClient({
    baseUrl: options.prometheusUrl,
    verb: options.prometheusVerb,
    headers: parseHeaderArgs(options.prometheusHeaders),
    caFile: options.prometheusCaFile,
    clientCertFile: options.prometheusClientTlsCertFile,
    clientKeyFile: options.prometheusClientTlsKeyFile,
    tokenFile: options.prometheusTokenFile,
    basicAuthFile: options.prometheusBasicAuthFile,
    authConfig: options.prometheusAuthConfig,
    inCluster: options.prometheusAuthInCluster,
    observe: metrics.observePrometheusRequest,
    timeoutMs: 60_000,
    onRequest: (method, url, status, ms) => {
      logger.info('prometheus request', { method, url, status, ms }, 6);
    },
  });

  const queries = coalescedQueries(prometheus, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('query', shared);
  });
  const listNames = coalescedListing(kube, options.coalesceWindowMs, (shared) => {
    metrics.countCoalesced('list', shared);
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
    observer: metrics.relist,
  });

  const refreshResources = async (): Promise<void> => {
    while (!signal.aborted) {
      await sleep(options.discoveryIntervalMs, signal);
      if (signal.aborted) return;
      try {
        state = compileState(loaded, (await discoverResources(kube, signal)).map);
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
          }),
        }
      : {}),
    ...(hasKind('external')
      ? {
          external: createExternalProvider({
            index: () => relister.current(),
            prometheus,
            now: Date.now,
            logger,
          }),
        }
      : {}),
    extraGroups,
    health: createHealthSource({
      lastRelistAt: () => relister.status().lastRunAt,
      relistIntervalMs: options.metricsRelistIntervalMs,
      resourceMapLoaded: () => true,
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
    now: () => new Date(),
    version: { gitVersion: `v${VERSION}`, platform: `${process.platform}/${process.arch}` },
    logger,
    serverAddress: `:${options.securePort}`,
    onRequest: (r) => {
      metrics.countRequest(
        r.attributes && 'group' in r.attributes ? String(r.attributes.group) : '',
        r.code,
      );
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
