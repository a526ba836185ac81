/**
 * Flags of k8s.io/apiserver v0.30 that custom-metrics-apiserver installs: secure serving,
 * delegated authentication and authorization, and server features.
 */
import { bool, dur, int, make, str, strings, S, type FlagSpec } from './flag-spec.ts';

const SERVING_FLAGS: readonly FlagSpec[] = [
  make('ip')(
    'bind-address',
    'bindAddress',
    '0.0.0.0',
    'The IP address on which to listen for the --secure-port port.',
  ),
  int(
    'secure-port',
    'securePort',
    443,
    "The port on which to serve HTTPS with authentication and authorization. If 0, don't serve HTTPS at all.",
  ),
  str(
    'cert-dir',
    'certDir',
    'apiserver.local.config/certificates',
    'The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.',
  ),
  str(
    'tls-cert-file',
    'tlsCertFile',
    '',
    'File containing the default x509 Certificate for HTTPS.',
  ),
  str(
    'tls-private-key-file',
    'tlsPrivateKeyFile',
    '',
    'File containing the default x509 private key matching --tls-cert-file.',
  ),
  strings(
    'tls-cipher-suites',
    'tlsCipherSuites',
    [],
    'Comma-separated list of cipher suites for the server. If omitted, the default Go cipher suites will be used.',
  ),
  str(
    'tls-min-version',
    'tlsMinVersion',
    '',
    'Minimum TLS version supported. Possible values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13',
  ),
  make('namedCertKey')(
    'tls-sni-cert-key',
    'tlsSniCertKeys',
    [],
    'A pair of x509 certificate and private key file paths, optionally suffixed with a list of domain patterns, e.g. "example.crt,example.key:*.foo.com,foo.com". May be given multiple times.',
  ),
  int(
    'http2-max-streams-per-connection',
    'http2MaxStreamsPerConnection',
    0,
    "The limit that the server gives to clients for the maximum number of streams in an HTTP/2 connection. Zero means to use golang's default.",
  ),
  bool(
    'permit-port-sharing',
    'permitPortSharing',
    false,
    'If true, SO_REUSEPORT will be used when binding the port.',
  ),
  bool(
    'permit-address-sharing',
    'permitAddressSharing',
    false,
    'If true, SO_REUSEADDR will be used when binding the port.',
  ),
];

const AUTHN_FLAGS: readonly FlagSpec[] = [
  str(
    'authentication-kubeconfig',
    'authenticationKubeconfig',
    '',
    "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create tokenreviews.authentication.k8s.io.",
  ),
  dur(
    'authentication-token-webhook-cache-ttl',
    'authenticationTokenWebhookCacheTtlMs',
    10 * S,
    'The duration to cache responses from the webhook token authenticator.',
  ),
  str(
    'client-ca-file',
    'clientCaFile',
    '',
    'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.',
  ),
  str(
    'requestheader-client-ca-file',
    'requestheaderClientCaFile',
    '',
    'Root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers.',
  ),
  strings(
    'requestheader-allowed-names',
    'requestheaderAllowedNames',
    [],
    'List of client certificate common names to allow to provide usernames in headers specified by --requestheader-username-headers. If empty, any client certificate validated by the authorities in --requestheader-client-ca-file is allowed.',
  ),
  strings(
    'requestheader-username-headers',
    'requestheaderUsernameHeaders',
    ['x-remote-user'],
    'List of request headers to inspect for usernames. X-Remote-User is common.',
  ),
  strings(
    'requestheader-group-headers',
    'requestheaderGroupHeaders',
    ['x-remote-group'],
    'List of request headers to inspect for groups. X-Remote-Group is suggested.',
  ),
  strings(
    'requestheader-extra-headers-prefix',
    'requestheaderExtraHeadersPrefix',
    ['x-remote-extra-'],
    'List of request header prefixes to inspect. X-Remote-Extra- is suggested.',
  ),
  bool(
    'authentication-skip-lookup',
    'authenticationSkipLookup',
    false,
    'If false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster.',
  ),
  bool(
    'authentication-tolerate-lookup-failure',
    'authenticationTolerateLookupFailure',
    false,
    'If true, failures to look up missing authentication configuration from the cluster are not considered fatal.',
  ),
];

const AUTHZ_FLAGS: readonly FlagSpec[] = [
  str(
    'authorization-kubeconfig',
    'authorizationKubeconfig',
    '',
    "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io.",
  ),
  dur(
    'authorization-webhook-cache-authorized-ttl',
    'authorizationWebhookCacheAuthorizedTtlMs',
    10 * S,
    "The duration to cache 'authorized' responses from the webhook authorizer.",
  ),
  dur(
    'authorization-webhook-cache-unauthorized-ttl',
    'authorizationWebhookCacheUnauthorizedTtlMs',
    10 * S,
    "The duration to cache 'unauthorized' responses from the webhook authorizer.",
  ),
  strings(
    'authorization-always-allow-paths',
    'authorizationAlwaysAllowPaths',
    ['/healthz', '/readyz', '/livez'],
    "A list of HTTP paths to skip during authorization, i.e. these are authorized without contacting the 'core' kubernetes server.",
  ),
];

const FEATURE_FLAGS: readonly FlagSpec[] = [
  bool('profiling', 'profiling', true, 'Enable profiling via web interface host:port/debug/pprof/'),
  bool(
    'contention-profiling',
    'contentionProfiling',
    false,
    'Enable block profiling, if profiling is enabled',
  ),
  str(
    'debug-socket-path',
    'debugSocketPath',
    '',
    'Use an unprotected (no authn/authz) unix-domain socket for profiling with the given path',
  ),
  bool(
    'enable-priority-and-fairness',
    'enablePriorityAndFairness',
    false,
    'If true, replace the max-in-flight handler with an enhanced one that queues and dispatches with priority and fairness',
  ),
];

/** Serving, authentication, authorization and feature flags, in usage order. */
export const APISERVER_FLAGS: readonly FlagSpec[] = [
  ...SERVING_FLAGS,
  ...AUTHN_FLAGS,
  ...AUTHZ_FLAGS,
  ...FEATURE_FLAGS,
];
