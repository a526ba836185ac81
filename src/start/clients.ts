/**
 * The adapter's clients, built from options: the Kubernetes lister client, the Prometheus client
 * (with its latency histogram and --v=6 request log) and the config's backends beside it, and the
 * first resource map.
 */
import {
  createRelister,
  sleep,
  type Relister,
  type RelisterOptions,
} from '../discovery/relister.ts';
import { createKubeClient, type KubeClient } from '../kubernetes/client.ts';
import { discoverResources } from '../kubernetes/discovery.ts';
import { inClusterConfig, loadKubeconfig } from '../kubernetes/kubeconfig.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import type { Logger } from '../log.ts';
import type { Options } from '../cli/options.ts';
import { createPrometheusClient, type HttpPrometheusClient } from '../prometheus/client.ts';
import { parseHeaderArgs, type HeaderMap } from '../prometheus/headers.ts';
import type { BackendConfig } from '../config/types.ts';
import type { SelfMetrics } from '../self-metrics.ts';
import { VERSION } from '../version.ts';
import { createBackends } from './backends.ts';

/** Initial discovery must succeed; it is retried for a while (the apiserver may be starting). */
export const firstResourceMap = async (
  kube: KubeClient,
  ctx: { readonly logger: Logger; readonly signal: AbortSignal },
): Promise<ResourceMap> => {
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

export const kubeClientFor = (options: Options): KubeClient =>
  createKubeClient(
    options.listerKubeconfig === '' ? inClusterConfig() : loadKubeconfig(options.listerKubeconfig),
    {
      qps: options.clientQps,
      burst: options.clientBurst,
      userAgent: `k8s-prometheus-adapter/${VERSION}`,
    },
  );

export const prometheusClientFor = (
  options: Options,
  metrics: SelfMetrics,
  logger: Logger,
): HttpPrometheusClient =>
  createPrometheusClient({
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
    seriesTimeoutMs:
      options.metricsRelistTimeoutMs === 0 ? undefined : options.metricsRelistTimeoutMs,
    onRequest: (method, url, status, ms) => {
      logger.info('prometheus request', { method, url, status, ms }, 6);
    },
  });

/** The relist loop as the flags set it (`--metrics-relist-interval`, `--metrics-max-age`). */
export const relisterFor = (
  options: Pick<Options, 'metricsRelistIntervalMs' | 'metricsMaxAgeMs'>,
  parts: Pick<RelisterOptions, 'client' | 'rules' | 'logger' | 'observer'>,
): Relister =>
  createRelister({
    ...parts,
    intervalMs: options.metricsRelistIntervalMs,
    maxAgeMs: options.metricsMaxAgeMs,
    concurrency: 4,
    now: Date.now,
  });

/** A client for one URL of a config backend: its own auth, verb and headers plus `extraHeaders`. */
export const backendClientFor =
  (options: Options, metrics: SelfMetrics, logger: Logger) =>
  (backend: BackendConfig, url: string, extraHeaders: HeaderMap): HttpPrometheusClient =>
    createPrometheusClient({
      baseUrl: url,
      verb: backend.verb ?? 'GET',
      headers: {
        ...Object.fromEntries(Object.entries(backend.headers ?? {}).map(([k, v]) => [k, [v]])),
        ...extraHeaders,
      },
      caFile: backend.caFile ?? '',
      clientCertFile: backend.clientCertFile ?? '',
      clientKeyFile: backend.clientKeyFile ?? '',
      tokenFile: backend.tokenFile ?? '',
      basicAuthFile: backend.basicAuthFile ?? '',
      observe: metrics.observePrometheusRequest,
      timeoutMs: 60_000,
      seriesTimeoutMs:
        options.metricsRelistTimeoutMs === 0 ? undefined : options.metricsRelistTimeoutMs,
      onRequest: (method, reqUrl, status, ms) => {
        logger.info(
          'prometheus request',
          { backend: backend.name, method, url: reqUrl, status, ms },
          6,
        );
      },
    });

/**
 * The flag-defined backend plus the config's `backends`, each query routed by its rule's backend
 * (start/backends.ts): what serving and the `explain` subcommand both query.
 */
export const prometheusBackendsFor = (
  options: Options,
  backends: readonly BackendConfig[],
  metrics: SelfMetrics,
  logger: Logger,
  /** Also told of every URL's health change (the status page's view). */
  onHealth?: (backend: string, url: string, up: boolean) => void,
): HttpPrometheusClient =>
  createBackends({
    defaultClient: prometheusClientFor(options, metrics, logger),
    defaultUrl: options.prometheusUrl,
    backends,
    clientFor: backendClientFor(options, metrics, logger),
    now: Date.now,
    logger,
    onHealth: (backend, url, up) => {
      metrics.backendUp(backend, url, up);
      onHealth?.(backend, url, up);
    },
  });
