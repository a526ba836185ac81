/**
 * The flag tables: every flag prometheus-adapter v0.12 accepts (its own, klog's, the base
 * adapter's and the generic API server's), plus the few this implementation adds. Each row says
 * which `Options` property it fills.
 */
import { array, bool, dur, float, int, make, str, S, M, type FlagSpec } from './flag-spec.ts';
import { APISERVER_FLAGS } from './flags-apiserver.ts';
import { AUDIT_FLAGS } from './flags-audit.ts';

const ADAPTER_FLAGS: readonly FlagSpec[] = [
  str('prometheus-url', 'prometheusUrl', 'https://localhost', 'URL for connecting to Prometheus.'),
  bool(
    'prometheus-auth-incluster',
    'prometheusAuthInCluster',
    false,
    'use auth details from the in-cluster kubeconfig when connecting to prometheus.',
  ),
  str(
    'prometheus-auth-config',
    'prometheusAuthConfig',
    '',
    'kubeconfig file used to configure auth when connecting to Prometheus.',
  ),
  str(
    'prometheus-ca-file',
    'prometheusCaFile',
    '',
    'Optional CA file to use when connecting with Prometheus',
  ),
  str(
    'prometheus-client-tls-cert-file',
    'prometheusClientTlsCertFile',
    '',
    'Optional client TLS cert file to use when connecting with Prometheus, auto-renewal is not supported',
  ),
  str(
    'prometheus-client-tls-key-file',
    'prometheusClientTlsKeyFile',
    '',
    'Optional client TLS key file to use when connecting with Prometheus, auto-renewal is not supported',
  ),
  str(
    'prometheus-token-file',
    'prometheusTokenFile',
    '',
    'Optional file containing the bearer token to use when connecting with Prometheus',
  ),
  str(
    'prometheus-basic-auth-file',
    'prometheusBasicAuthFile',
    '',
    'Optional file containing "user:password" for HTTP basic auth to Prometheus (not in upstream)',
  ),
  array(
    'prometheus-header',
    'prometheusHeaders',
    [],
    'Optional header to set on requests to prometheus-url. Can be repeated',
  ),
  str(
    'prometheus-verb',
    'prometheusVerb',
    'GET',
    'HTTP verb to use when querying Prometheus: GET or POST',
  ),
  str(
    'config',
    'configFile',
    '',
    'Configuration file containing details of how to transform between Prometheus metrics and custom metrics API resources',
  ),
  dur(
    'metrics-relist-interval',
    'metricsRelistIntervalMs',
    10 * M,
    'interval at which to re-list the set of all available metrics from Prometheus',
  ),
  dur(
    'metrics-max-age',
    'metricsMaxAgeMs',
    0,
    'period for which to query the set of available metrics from Prometheus (0 means the relist interval)',
  ),
  bool('disable-http2', 'disableHttp2', false, 'Disable HTTP/2 support'),
  dur(
    'rate-interval',
    'rateIntervalMs',
    5 * M,
    'rate window of the built-in default rules, used when --config is not given (not in upstream v0.12)',
  ),
  dur(
    'coalesce-window',
    'coalesceWindowMs',
    1000,
    'identical PromQL queries and object listings within this window are run once and shared (not in upstream; 0 disables)',
  ),
];

const LOGGING_FLAGS: readonly FlagSpec[] = [
  make('level')('v', 'verbosity', 0, 'number for the log level verbosity', { shorthand: 'v' }),
  str(
    'vmodule',
    'vmodule',
    '',
    'comma-separated list of pattern=N settings for file-filtered logging',
  ),
  dur(
    'log-flush-frequency',
    'logFlushFrequencyMs',
    5 * S,
    'Maximum number of seconds between log flushes',
  ),
  bool(
    'logtostderr',
    'logtostderr',
    true,
    'accepted for compatibility and ignored: logs always go to stderr',
  ),
  bool(
    'alsologtostderr',
    'alsologtostderr',
    false,
    'accepted for compatibility and ignored: logs always go to stderr',
  ),
];

const BASE_ADAPTER_FLAGS: readonly FlagSpec[] = [
  str(
    'lister-kubeconfig',
    'listerKubeconfig',
    '',
    "kubeconfig file pointing at the 'core' kubernetes server with enough rights to list any described objects",
  ),
  dur(
    'discovery-interval',
    'discoveryIntervalMs',
    10 * M,
    'interval at which to refresh API discovery information',
  ),
  float('client-qps', 'clientQps', 5, 'maximum QPS for client to Kubernetes API server'),
  int('client-burst', 'clientBurst', 10, 'maximum burst for client to Kubernetes API server'),
];

/** Every flag of the server command, in usage order. */
export const SERVE_FLAGS: readonly FlagSpec[] = [
  ...ADAPTER_FLAGS,
  ...LOGGING_FLAGS,
  ...BASE_ADAPTER_FLAGS,
  ...APISERVER_FLAGS,
  ...AUDIT_FLAGS,
];

/** The flags of `config-gen` (upstream cmd/config-gen). */
export const CONFIG_GEN_FLAGS: readonly FlagSpec[] = [
  str(
    'label-prefix',
    'labelPrefix',
    '',
    "Prefix to expect on labels referring to pod resources.  For example, if the prefix is 'kube_', any series with the 'kube_pod' label would be considered a pod metric",
  ),
  dur(
    'rate-interval',
    'rateIntervalMs',
    5 * M,
    'Period of time used to calculate rate metrics from cumulative metrics',
  ),
];

/** `lint`: check a config offline, against the standard Kubernetes resources (an addition). */
export const LINT_FLAGS: readonly FlagSpec[] = [
  str(
    'config',
    'configFile',
    '',
    'Configuration file to check (default: the built-in default rules)',
  ),
  dur('rate-interval', 'rateIntervalMs', 5 * M, 'rate window of the built-in default rules'),
];
