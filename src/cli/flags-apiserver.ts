/**
 * Flags of k8s.io/apiserver v0.30 that custom-metrics-apiserver installs: secure serving,
 * delegated authentication and authorization, and server features.
 */
import type { Options } from './options.ts';
import { S, type FlagReader } from './flag-spec.ts';

const servingFlags = (f: FlagReader) =>
  ({
    bindAddress: f.ip(
      'bind-address',
      '0.0.0.0',
      'The IP address on which to listen for the --secure-port port.',
    ),
    securePort: f.int(
      'secure-port',
      443,
      "The port on which to serve HTTPS with authentication and authorization. If 0, don't serve HTTPS at all.",
    ),
    certDir: f.string(
      'cert-dir',
      'apiserver.local.config/certificates',
      'The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.',
    ),
    tlsCertFile: f.string(
      'tls-cert-file',
      '',
      'File containing the default x509 Certificate for HTTPS.',
    ),
    tlsPrivateKeyFile: f.string(
      'tls-private-key-file',
      '',
      'File containing the default x509 private key matching --tls-cert-file.',
    ),
    tlsCipherSuites: f.stringSlice(
      'tls-cipher-suites',
      [],
      'Comma-separated list of cipher suites for the server. If omitted, the default Go cipher suites will be used.',
    ),
    tlsMinVersion: f.string(
      'tls-min-version',
      '',
      'Minimum TLS version supported. Possible values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13',
    ),
    tlsSniCertKeys: f.namedCertKey(
      'tls-sni-cert-key',
      [],
      'A pair of x509 certificate and private key file paths, optionally suffixed with a list of domain patterns, e.g. "example.crt,example.key:*.foo.com,foo.com". May be given multiple times.',
    ),
    http2MaxStreamsPerConnection: f.int(
      'http2-max-streams-per-connection',
      0,
      "The limit that the server gives to clients for the maximum number of streams in an HTTP/2 connection. Zero means to use golang's default.",
    ),
    permitPortSharing: f.bool(
      'permit-port-sharing',
      false,
      'If true, SO_REUSEPORT will be used when binding the port.',
    ),
    permitAddressSharing: f.bool(
      'permit-address-sharing',
      false,
      'If true, SO_REUSEADDR will be used when binding the port.',
    ),
  }) satisfies Partial<Options>;

const authnFlags = (f: FlagReader) =>
  ({
    authenticationKubeconfig: f.string(
      'authentication-kubeconfig',
      '',
      "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create tokenreviews.authentication.k8s.io.",
    ),
    authenticationTokenWebhookCacheTtlMs: f.duration(
      'authentication-token-webhook-cache-ttl',
      10 * S,
      'The duration to cache responses from the webhook token authenticator.',
    ),
    clientCaFile: f.string(
      'client-ca-file',
      '',
      'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.',
    ),
    requestheaderClientCaFile: f.string(
      'requestheader-client-ca-file',
      '',
      'Root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers.',
    ),
    requestheaderAllowedNames: f.stringSlice(
      'requestheader-allowed-names',
      [],
      'List of client certificate common names to allow to provide usernames in headers specified by --requestheader-username-headers. If empty, any client certificate validated by the authorities in --requestheader-client-ca-file is allowed.',
    ),
    requestheaderUsernameHeaders: f.stringSlice(
      'requestheader-username-headers',
      ['x-remote-user'],
      'List of request headers to inspect for usernames. X-Remote-User is common.',
    ),
    requestheaderGroupHeaders: f.stringSlice(
      'requestheader-group-headers',
      ['x-remote-group'],
      'List of request headers to inspect for groups. X-Remote-Group is suggested.',
    ),
    requestheaderExtraHeadersPrefix: f.stringSlice(
      'requestheader-extra-headers-prefix',
      ['x-remote-extra-'],
      'List of request header prefixes to inspect. X-Remote-Extra- is suggested.',
    ),
    authenticationSkipLookup: f.bool(
      'authentication-skip-lookup',
      false,
      'If false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster.',
    ),
    authenticationTolerateLookupFailure: f.bool(
      'authentication-tolerate-lookup-failure',
      false,
      'If true, failures to look up missing authentication configuration from the cluster are not considered fatal.',
    ),
  }) satisfies Partial<Options>;

const authzFlags = (f: FlagReader) =>
  ({
    authorizationKubeconfig: f.string(
      'authorization-kubeconfig',
      '',
      "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io.",
    ),
    authorizationWebhookCacheAuthorizedTtlMs: f.duration(
      'authorization-webhook-cache-authorized-ttl',
      10 * S,
      "The duration to cache 'authorized' responses from the webhook authorizer.",
    ),
    authorizationWebhookCacheUnauthorizedTtlMs: f.duration(
      'authorization-webhook-cache-unauthorized-ttl',
      10 * S,
      "The duration to cache 'unauthorized' responses from the webhook authorizer.",
    ),
    authorizationAlwaysAllowPaths: f.stringSlice(
      'authorization-always-allow-paths',
      ['/healthz', '/readyz', '/livez'],
      "A list of HTTP paths to skip during authorization, i.e. these are authorized without contacting the 'core' kubernetes server.",
    ),
  }) satisfies Partial<Options>;

const featureFlags = (f: FlagReader) =>
  ({
    profiling: f.bool(
      'profiling',
      true,
      'Enable profiling via web interface host:port/debug/pprof/',
    ),
    contentionProfiling: f.bool(
      'contention-profiling',
      false,
      'Enable block profiling, if profiling is enabled',
    ),
    debugSocketPath: f.string(
      'debug-socket-path',
      '',
      'Use an unprotected (no authn/authz) unix-domain socket for profiling with the given path',
    ),
    enablePriorityAndFairness: f.bool(
      'enable-priority-and-fairness',
      false,
      'If true, replace the max-in-flight handler with an enhanced one that queues and dispatches with priority and fairness',
    ),
    shutdownDelayDurationMs: f.duration(
      'shutdown-delay-duration',
      0,
      'Time to delay the termination. During that time the server keeps serving requests normally. The endpoints /healthz and /livez will return success, but /readyz immediately returns failure. Graceful termination starts after this delay has elapsed. This can be used to allow load balancer to stop sending traffic to this server. (Not in upstream v0.12, whose flag set lacks it; the default 0 stops accepting and drains at once, as before.)',
    ),
  }) satisfies Partial<Options>;

/** Serving, authentication, authorization and feature flags, in usage order. */
export const apiserverFlags = (f: FlagReader) => ({
  ...servingFlags(f),
  ...authnFlags(f),
  ...authzFlags(f),
  ...featureFlags(f),
});
