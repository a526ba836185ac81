/**
 * The flag tables: every flag prometheus-adapter v0.12 accepts (its own, klog's, the base
 * adapter's and the generic API server's), plus the few this implementation adds. Each row is the
 * initialiser of the `Options` property it fills, so the compiler checks its name and type.
 */
import {
  describeFlags,
  S,
  M,
  type FlagReader,
  type FlagSpec,
  type FlagTable,
} from './flag-spec.ts';
import { apiserverFlags } from './flags-apiserver.ts';
import { auditFlags } from './flags-audit.ts';
import type { ConfigGenOptions, ExplainOptions, LintOptions, Options } from './options.ts';

const adapterFlags = (f: FlagReader) =>
  ({
    prometheusUrl: f.string(
      'prometheus-url',
      'https://localhost',
      'URL for connecting to Prometheus.',
    ),
    prometheusAuthInCluster: f.bool(
      'prometheus-auth-incluster',
      false,
      'use auth details from the in-cluster kubeconfig when connecting to prometheus.',
    ),
    prometheusAuthConfig: f.string(
      'prometheus-auth-config',
      '',
      'kubeconfig file used to configure auth when connecting to Prometheus.',
    ),
    prometheusCaFile: f.string(
      'prometheus-ca-file',
      '',
      'Optional CA file to use when connecting with Prometheus',
    ),
    prometheusClientTlsCertFile: f.string(
      'prometheus-client-tls-cert-file',
      '',
      'Optional client TLS cert file to use when connecting with Prometheus, auto-renewal is not supported',
    ),
    prometheusClientTlsKeyFile: f.string(
      'prometheus-client-tls-key-file',
      '',
      'Optional client TLS key file to use when connecting with Prometheus, auto-renewal is not supported',
    ),
    prometheusTokenFile: f.string(
      'prometheus-token-file',
      '',
      'Optional file containing the bearer token to use when connecting with Prometheus',
    ),
    prometheusBasicAuthFile: f.string(
      'prometheus-basic-auth-file',
      '',
      'Optional file containing "user:password" for HTTP basic auth to Prometheus (not in upstream)',
    ),
    prometheusHeaders: f.stringArray(
      'prometheus-header',
      [],
      'Optional header to set on requests to prometheus-url. Can be repeated',
    ),
    prometheusVerb: f.string(
      'prometheus-verb',
      'GET',
      'HTTP verb to use when querying Prometheus: GET or POST',
    ),
    configFile: f.string(
      'config',
      '',
      'Configuration file containing details of how to transform between Prometheus metrics and custom metrics API resources',
    ),
    metricsRelistIntervalMs: f.duration(
      'metrics-relist-interval',
      10 * M,
      'interval at which to re-list the set of all available metrics from Prometheus',
    ),
    metricsMaxAgeMs: f.duration(
      'metrics-max-age',
      0,
      'period for which to query the set of available metrics from Prometheus (0 means the relist interval)',
    ),
    metricsRelistTimeoutMs: f.duration(
      'metrics-relist-timeout',
      5 * M,
      'timeout of each /api/v1/series call of a relist; slow relists log their progress (not in upstream, which has none)',
    ),
    strictPromql: f.bool(
      'strict-promql',
      false,
      'refuse to start when a rendered query does not parse as PromQL (by default a warning: the backend may speak a newer PromQL or MetricsQL) (not in upstream)',
    ),
    disableHttp2: f.bool('disable-http2', false, 'Disable HTTP/2 support'),
    rateIntervalMs: f.duration(
      'rate-interval',
      5 * M,
      'rate window of the built-in default rules, used when --config is not given (not in upstream v0.12)',
    ),
    coalesceWindowMs: f.duration(
      'coalesce-window',
      1000,
      'identical PromQL queries and object listings within this window are run once and shared (not in upstream; 0 disables)',
    ),
    batchWindowMs: f.duration(
      'batch-window',
      3000,
      'requests of one rule and namespace that differ only in their objects are answered from one query per window over the objects recently asked for, evaluated at the window start, where the PromQL provably groups by the object label (not in upstream; 0 disables)',
    ),
    objectCache: f.bool(
      'object-cache',
      true,
      'list the objects of custom metrics requests for * from metadata-only watch caches started per resource on first use, instead of a LIST per request (not in upstream; needs list and watch on those resources)',
    ),
    enableExplain: f.bool(
      'enable-explain',
      true,
      'serve GET /debug/explain?path=<request path> (behind the same authn/authz as /metrics; not in upstream)',
    ),
  }) satisfies Partial<Options>;

const loggingFlags = (f: FlagReader) =>
  ({
    verbosity: f.level('v', 0, 'number for the log level verbosity', { shorthand: 'v' }),
    vmodule: f.string(
      'vmodule',
      '',
      'comma-separated list of pattern=N settings for file-filtered logging',
    ),
    logFlushFrequencyMs: f.duration(
      'log-flush-frequency',
      5 * S,
      'Maximum number of seconds between log flushes',
    ),
    logtostderr: f.bool(
      'logtostderr',
      true,
      'accepted for compatibility and ignored: logs always go to stderr',
    ),
    alsologtostderr: f.bool(
      'alsologtostderr',
      false,
      'accepted for compatibility and ignored: logs always go to stderr',
    ),
  }) satisfies Partial<Options>;

const baseAdapterFlags = (f: FlagReader) =>
  ({
    listerKubeconfig: f.string(
      'lister-kubeconfig',
      '',
      "kubeconfig file pointing at the 'core' kubernetes server with enough rights to list any described objects",
    ),
    discoveryIntervalMs: f.duration(
      'discovery-interval',
      10 * M,
      'interval at which to refresh API discovery information',
    ),
    clientQps: f.float('client-qps', 5, 'maximum QPS for client to Kubernetes API server'),
    clientBurst: f.int('client-burst', 10, 'maximum burst for client to Kubernetes API server'),
  }) satisfies Partial<Options>;

/** Every flag of the server command, in usage order. */
export const SERVE_TABLE: FlagTable<Options> = (f) => ({
  ...adapterFlags(f),
  ...loggingFlags(f),
  ...baseAdapterFlags(f),
  ...apiserverFlags(f),
  audit: auditFlags(f),
});

/** The flags of `config-gen` (upstream cmd/config-gen). */
export const CONFIG_GEN_TABLE: FlagTable<ConfigGenOptions> = (f) => ({
  labelPrefix: f.string(
    'label-prefix',
    '',
    "Prefix to expect on labels referring to pod resources.  For example, if the prefix is 'kube_', any series with the 'kube_pod' label would be considered a pod metric",
  ),
  rateIntervalMs: f.duration(
    'rate-interval',
    5 * M,
    'Period of time used to calculate rate metrics from cumulative metrics',
  ),
});

/** `lint`: check a config offline, against the standard Kubernetes resources (an addition). */
export const LINT_TABLE: FlagTable<LintOptions> = (f) => ({
  configFile: f.string(
    'config',
    '',
    'Configuration file to check (default: the built-in default rules)',
  ),
  rateIntervalMs: f.duration('rate-interval', 5 * M, 'rate window of the built-in default rules'),
  strictPromql: f.bool(
    'strict-promql',
    false,
    'report rendered queries that do not parse as PromQL as errors, not warnings',
  ),
});

/** `explain` (an addition): the serving flags plus the output format and `--kubeconfig`. */
export const EXPLAIN_TABLE: FlagTable<ExplainOptions> = (f) => ({
  ...SERVE_TABLE(f),
  output: f.string('output', 'text', 'text, or json for a structured document'),
  kubeconfig: f.string(
    'kubeconfig',
    '',
    'kubeconfig of the cluster to list objects and discover resources in (default: --lister-kubeconfig, else in-cluster)',
  ),
});

/** The rows of each command, for scanning and usage. */
export const SERVE_FLAGS: readonly FlagSpec[] = describeFlags(SERVE_TABLE);
export const CONFIG_GEN_FLAGS: readonly FlagSpec[] = describeFlags(CONFIG_GEN_TABLE);
export const LINT_FLAGS: readonly FlagSpec[] = describeFlags(LINT_TABLE);
export const EXPLAIN_FLAGS: readonly FlagSpec[] = describeFlags(EXPLAIN_TABLE);
