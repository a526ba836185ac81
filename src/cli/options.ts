/**
 * Command-line options: prometheus-adapter v0.12's flags (adapter, klog, custom-metrics-apiserver
 * base adapter, and k8s.io/apiserver serving/authn/authz/audit/features) parsed with pflag
 * semantics into a frozen `Options`, plus the `config-gen` and `lint` subcommands. Durations are
 * milliseconds.
 */
import type { AdapterConfig } from '../config/types.ts';
import { readFlags } from './flag-spec.ts';
import {
  CONFIG_GEN_FLAGS,
  CONFIG_GEN_TABLE,
  EXPLAIN_FLAGS,
  EXPLAIN_TABLE,
  LINT_FLAGS,
  LINT_TABLE,
  SERVE_FLAGS,
  SERVE_TABLE,
} from './flags.ts';
import { scanFlags } from './parse.ts';
import { formatUsage } from './usage.ts';
import type { FlagValue, NamedCertKey } from './values.ts';

/** Server options, one property per flag (see `usage()` for the flag names and defaults). */
export interface Options {
  readonly prometheusUrl: string;
  readonly prometheusAuthInCluster: boolean;
  readonly prometheusAuthConfig: string;
  readonly prometheusCaFile: string;
  readonly prometheusClientTlsCertFile: string;
  readonly prometheusClientTlsKeyFile: string;
  readonly prometheusTokenFile: string;
  /** `--prometheus-basic-auth-file` (an addition): a file holding `user:password`. */
  readonly prometheusBasicAuthFile: string;
  /** `--prometheus-header`, raw `Key=Value` texts in order. */
  readonly prometheusHeaders: readonly string[];
  readonly prometheusVerb: string;
  /** `--config`; "" when not given (the built-in default rules then apply). */
  readonly configFile: string;
  readonly metricsRelistIntervalMs: number;
  /** `--metrics-max-age`; 0 (the default) is already replaced by the relist interval. */
  readonly metricsMaxAgeMs: number;
  /** `--metrics-relist-timeout` (an addition): timeout of each series call; 0 means none. */
  readonly metricsRelistTimeoutMs: number;
  /** `--strict-promql` (an addition): unparsable rendered PromQL stops the start. */
  readonly strictPromql: boolean;
  readonly disableHttp2: boolean;
  /** `--rate-interval`: window of the default rules used when `--config` is absent. */
  readonly rateIntervalMs: number;
  /** `--coalesce-window` (an addition): identical queries/listings within it run once; 0 disables. */
  readonly coalesceWindowMs: number;
  /**
   * `--batch-window` (an addition): requests of one rule and namespace differing only in their
   * objects are answered from one query per window (provider/batched.ts); 0 disables.
   */
  readonly batchWindowMs: number;
  /** `--object-cache` (an addition): `*` requests list objects from watch caches, not per request. */
  readonly objectCache: boolean;
  /** `--enable-explain` (an addition): serve `/debug/explain`. */
  readonly enableExplain: boolean;
  /** `-v` / `--v`. */
  readonly verbosity: number;
  readonly vmodule: string;
  readonly logFlushFrequencyMs: number;
  /** Accepted no-ops (removed from upstream in v0.11; kept so old manifests still start). */
  readonly logtostderr: boolean;
  readonly alsologtostderr: boolean;
  readonly listerKubeconfig: string;
  /** `--discovery-interval`: RESTMapper refresh period (upstream ignores it; we honour it). */
  readonly discoveryIntervalMs: number;
  readonly clientQps: number;
  readonly clientBurst: number;
  readonly bindAddress: string;
  /** 0 means do not serve HTTPS. */
  readonly securePort: number;
  readonly certDir: string;
  readonly tlsCertFile: string;
  readonly tlsPrivateKeyFile: string;
  readonly tlsCipherSuites: readonly string[];
  readonly tlsMinVersion: string;
  readonly tlsSniCertKeys: readonly NamedCertKey[];
  readonly http2MaxStreamsPerConnection: number;
  readonly permitPortSharing: boolean;
  readonly permitAddressSharing: boolean;
  readonly authenticationKubeconfig: string;
  readonly authenticationTokenWebhookCacheTtlMs: number;
  readonly clientCaFile: string;
  readonly requestheaderClientCaFile: string;
  readonly requestheaderAllowedNames: readonly string[];
  readonly requestheaderUsernameHeaders: readonly string[];
  readonly requestheaderGroupHeaders: readonly string[];
  readonly requestheaderExtraHeadersPrefix: readonly string[];
  readonly authenticationSkipLookup: boolean;
  readonly authenticationTolerateLookupFailure: boolean;
  readonly authorizationKubeconfig: string;
  readonly authorizationWebhookCacheAuthorizedTtlMs: number;
  readonly authorizationWebhookCacheUnauthorizedTtlMs: number;
  readonly authorizationAlwaysAllowPaths: readonly string[];
  readonly profiling: boolean;
  readonly contentionProfiling: boolean;
  readonly debugSocketPath: string;
  readonly enablePriorityAndFairness: boolean;
  /**
   * `--shutdown-delay-duration` (an addition, the generic apiserver's flag): after the first
   * SIGTERM/SIGINT, /readyz fails at once and serving goes on this long before draining; 0 drains at once.
   */
  readonly shutdownDelayDurationMs: number;
  /** Every `--audit-*` flag by name (e.g. `audit-log-path`); accepted and stored, not acted on. */
  readonly audit: Readonly<Record<string, FlagValue>>;
}

/** `config-gen` options. */
export interface ConfigGenOptions {
  readonly rateIntervalMs: number;
  readonly labelPrefix: string;
}

/** `lint` (an addition): the config to check offline. */
export interface LintOptions {
  readonly configFile: string;
  readonly rateIntervalMs: number;
  readonly strictPromql: boolean;
}

/** `explain` (an addition): the serving options plus the output format and the cluster. */
export interface ExplainOptions extends Options {
  /** `text` or `json`. */
  readonly output: string;
  /** `--kubeconfig`; "" falls back to `--lister-kubeconfig`. */
  readonly kubeconfig: string;
}

/** What the command line asks for. `args` are positional arguments (ignored upstream). */
export type ParsedArgs =
  | {
      readonly command: 'serve';
      readonly options: Options;
      readonly args: readonly string[];
      readonly warnings: readonly string[];
    }
  | {
      readonly command: 'config-gen';
      readonly options: ConfigGenOptions;
      readonly args: readonly string[];
    }
  | { readonly command: 'lint'; readonly options: LintOptions; readonly args: readonly string[] }
  | {
      readonly command: 'explain';
      readonly options: ExplainOptions;
      readonly args: readonly string[];
    }
  | { readonly command: 'help'; readonly usage: string };

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

const parseLint = (argv: readonly string[]): ParsedArgs => {
  const scan = scanFlags(LINT_FLAGS, argv);
  if (scan.kind === 'help') return { command: 'help', usage: usage('lint') };
  const options = deepFreeze(readFlags(LINT_TABLE, scan.values));
  return { command: 'lint', options, args: scan.args };
};

const parseConfigGen = (argv: readonly string[]): ParsedArgs => {
  const scan = scanFlags(CONFIG_GEN_FLAGS, argv);
  if (scan.kind === 'help') return { command: 'help', usage: usage('config-gen') };
  const options = deepFreeze(readFlags(CONFIG_GEN_TABLE, scan.values));
  return { command: 'config-gen', options, args: scan.args };
};

/** `--metrics-max-age` of 0 (the default) means the relist interval; the options frozen. */
const withMaxAge = <T extends Options>(read: T): T =>
  deepFreeze({
    ...read,
    metricsMaxAgeMs:
      read.metricsMaxAgeMs === 0 ? read.metricsRelistIntervalMs : read.metricsMaxAgeMs,
  });

const parseExplain = (argv: readonly string[]): ParsedArgs => {
  const scan = scanFlags(EXPLAIN_FLAGS, argv);
  if (scan.kind === 'help') return { command: 'help', usage: usage('explain') };
  const options = withMaxAge(readFlags(EXPLAIN_TABLE, scan.values));
  return { command: 'explain', options, args: scan.args };
};

const parseServe = (argv: readonly string[]): ParsedArgs => {
  const scan = scanFlags(SERVE_FLAGS, argv);
  if (scan.kind === 'help') return { command: 'help', usage: usage('serve') };
  const options = withMaxAge(readFlags(SERVE_TABLE, scan.values));
  return { command: 'serve', options, args: scan.args, warnings: scan.warnings };
};

/**
 * Parses `argv` (the arguments after the program, i.e. `process.argv.slice(2)`). A first argument
 * of `config-gen`, `lint` or `explain` selects that subcommand. Throws `OptionsError` (exit code 2) on a bad
 * command line; `-h`/`--help` yields `{ command: 'help', usage }` (print it, exit 0). Run
 * `validateOptions` on the result before use.
 */
export const parseArgs = (argv: readonly string[]): ParsedArgs =>
  argv[0] === 'explain'
    ? parseExplain(argv.slice(1))
    : argv[0] === 'lint'
      ? parseLint(argv.slice(1))
      : argv[0] === 'config-gen'
        ? parseConfigGen(argv.slice(1))
        : parseServe(argv);

/** The usage text (flags, types, defaults) for the server, `config-gen` or `lint`. */
export const usage = (command: 'serve' | 'config-gen' | 'lint' | 'explain' = 'serve'): string =>
  command === 'explain'
    ? formatUsage(
        "Explain one metrics API request: the route, the rule serving it (or the rules that came\nclose and why not), the objects, the PromQL, the samples and the answer the HPA gets.\n\nUsage:\n  adapter explain [flags] 'custom.metrics.k8s.io/v1beta1/namespaces/NS/pods/*/METRIC?labelSelector=…'",
        EXPLAIN_FLAGS,
      )
    : command === 'lint'
      ? formatUsage(
          'Check a config offline (schema, regexes, templates, PromQL, resource names) against the\nstandard Kubernetes resources, and warn about rules that cannot work.\n\nUsage:\n  adapter lint --config=FILE',
          LINT_FLAGS,
        )
      : command === 'serve'
        ? formatUsage(
            'Usage:\n  adapter [flags]\n  adapter config-gen [flags]\n  adapter lint --config=FILE\n  adapter explain [flags] PATH',
            SERVE_FLAGS,
          )
        : formatUsage(
            'Generate a config that produces the same functionality as the legacy discovery rules.\n\nUsage:\n  adapter config-gen [flags]',
            CONFIG_GEN_FLAGS,
          );

const TLS_VERSIONS = ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'];

/** Every problem with option values that needs no config (upstream wording where it has one). */
export const validateOptions = (o: Options): string[] => {
  const problems: string[] = [];
  if (o.prometheusVerb !== 'GET' && o.prometheusVerb !== 'POST') {
    problems.push(
      `unsupported Prometheus HTTP verb ${JSON.stringify(o.prometheusVerb)}; supported verbs: "GET" and "POST"`,
    );
  }
  if (o.prometheusAuthInCluster && o.prometheusAuthConfig !== '') {
    problems.push('may not use both in-cluster auth and an explicit kubeconfig at the same time');
  }
  if (o.securePort < 0 || o.securePort > 65535) {
    problems.push(
      `--secure-port ${o.securePort} must be between 0 and 65535, inclusive. 0 for turning off secure port`,
    );
  }
  if ((o.tlsCertFile === '') !== (o.tlsPrivateKeyFile === '')) {
    problems.push('--tls-cert-file and --tls-private-key-file must be given together');
  }
  if (o.shutdownDelayDurationMs < 0) {
    problems.push('--shutdown-delay-duration can not be negative value');
  }
  if (o.tlsMinVersion !== '' && !TLS_VERSIONS.includes(o.tlsMinVersion)) {
    problems.push(`unknown tls version ${JSON.stringify(o.tlsMinVersion)}`);
  }
  if (o.metricsRelistIntervalMs <= 0) problems.push('--metrics-relist-interval must be positive');
  if (o.discoveryIntervalMs < 0) problems.push('--discovery-interval must not be negative');
  if (o.metricsRelistTimeoutMs < 0) problems.push('--metrics-relist-timeout must not be negative');
  return problems;
};

/**
 * Problems that depend on the loaded config: with custom-metrics `rules`, `--metrics-max-age` must
 * not be below `--metrics-relist-interval` (upstream checks it only then, too).
 */
export const validateOptionsWithConfig = (o: Options, config: AdapterConfig): string[] =>
  config.rules.length > 0 && o.metricsMaxAgeMs < o.metricsRelistIntervalMs
    ? ['max age must not be less than relist interval']
    : [];
