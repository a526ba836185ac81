import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError } from './options-error.ts';
import { SERVE_FLAGS } from './flags.ts';
import {
  parseArgs,
  usage,
  validateOptions,
  validateOptionsWithConfig,
  type Options,
} from './options.ts';

const serve = (argv: readonly string[]) => {
  const parsed = parseArgs(argv);
  assert.equal(parsed.command, 'serve');
  return parsed;
};
const opts = (argv: readonly string[]): Options => serve(argv).options;

const DEFAULTS: Omit<Options, 'audit'> = {
  prometheusUrl: 'https://localhost',
  prometheusAuthInCluster: false,
  prometheusAuthConfig: '',
  prometheusCaFile: '',
  prometheusClientTlsCertFile: '',
  prometheusClientTlsKeyFile: '',
  prometheusTokenFile: '',
  prometheusBasicAuthFile: '',
  prometheusHeaders: [],
  prometheusVerb: 'GET',
  configFile: '',
  metricsRelistIntervalMs: 600_000,
  metricsMaxAgeMs: 600_000,
  metricsRelistTimeoutMs: 300_000,
  strictPromql: false,
  disableHttp2: false,
  rateIntervalMs: 300_000,
  coalesceWindowMs: 1000,
  batchWindowMs: 3000,
  objectCache: true,
  enableExplain: true,
  verbosity: 0,
  vmodule: '',
  logFlushFrequencyMs: 5_000,
  logtostderr: true,
  alsologtostderr: false,
  listerKubeconfig: '',
  discoveryIntervalMs: 600_000,
  clientQps: 5,
  clientBurst: 10,
  bindAddress: '0.0.0.0',
  securePort: 443,
  certDir: 'apiserver.local.config/certificates',
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  tlsCipherSuites: [],
  tlsMinVersion: '',
  tlsSniCertKeys: [],
  http2MaxStreamsPerConnection: 0,
  permitPortSharing: false,
  permitAddressSharing: false,
  authenticationKubeconfig: '',
  authenticationTokenWebhookCacheTtlMs: 10_000,
  clientCaFile: '',
  requestheaderClientCaFile: '',
  requestheaderAllowedNames: [],
  requestheaderUsernameHeaders: ['x-remote-user'],
  requestheaderGroupHeaders: ['x-remote-group'],
  requestheaderExtraHeadersPrefix: ['x-remote-extra-'],
  authenticationSkipLookup: false,
  authenticationTolerateLookupFailure: false,
  authorizationKubeconfig: '',
  authorizationWebhookCacheAuthorizedTtlMs: 10_000,
  authorizationWebhookCacheUnauthorizedTtlMs: 10_000,
  authorizationAlwaysAllowPaths: ['/healthz', '/readyz', '/livez'],
  profiling: true,
  contentionProfiling: false,
  debugSocketPath: '',
  enablePriorityAndFairness: false,
  shutdownDelayDurationMs: 0,
};

describe('parseArgs: serve', () => {
  it('has upstream defaults for every flag', () => {
    const { audit, ...rest } = opts([]);
    assert.deepEqual(rest, DEFAULTS);
    assert.equal(audit['audit-log-format'], 'json');
    assert.equal(audit['audit-log-mode'], 'blocking');
    assert.equal(audit['audit-webhook-mode'], 'batch');
    assert.equal(audit['audit-webhook-batch-max-wait'], 30_000);
    assert.equal(audit['audit-webhook-initial-backoff'], 10_000);
    assert.equal(Object.keys(audit).length, 31);
  });

  it('reads the classic walkthrough arguments', () => {
    const argv = [
      '--secure-port=6443',
      '--tls-cert-file=/var/run/serving-cert/serving.crt',
      '--tls-private-key-file=/var/run/serving-cert/serving.key',
      '--logtostderr=true',
      '--prometheus-url=http://localhost:9090/',
      '--metrics-relist-interval=30s',
      '--rate-interval=30s',
      '--discovery-interval=10m',
      '--v=4',
    ];
    const parsed = serve(argv);
    assert.deepEqual(parsed.args, []);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      { ...parsed.options, audit: {} },
      {
        audit: {},
        ...DEFAULTS,
        securePort: 6443,
        tlsCertFile: '/var/run/serving-cert/serving.crt',
        tlsPrivateKeyFile: '/var/run/serving-cert/serving.key',
        prometheusUrl: 'http://localhost:9090/',
        metricsRelistIntervalMs: 30_000,
        metricsMaxAgeMs: 30_000,
        rateIntervalMs: 30_000,
        discoveryIntervalMs: 600_000,
        verbosity: 4,
      },
    );
    assert.deepEqual(validateOptions(parsed.options), []);
  });

  type Positional = readonly string[];
  const table: readonly (readonly [string, readonly string[], Partial<Options>, Positional?])[] = [
    ['--x v', ['--prometheus-url', 'http://p:9090'], { prometheusUrl: 'http://p:9090' }],
    ['a bare bool', ['--disable-http2'], { disableHttp2: true }],
    ['--b=false', ['--profiling=false'], { profiling: false }],
    [
      '--b false (false is positional)',
      ['--disable-http2', 'false'],
      { disableHttp2: true },
      ['false'],
    ],
    ['-v=4', ['-v=4'], { verbosity: 4 }],
    ['-v 4', ['-v', '4'], { verbosity: 4 }],
    ['-v4', ['-v4'], { verbosity: 4 }],
    ['--v 4', ['--v', '4'], { verbosity: 4 }],
    [
      '_ in names',
      ['--prometheus_url=x', '--metrics_relist_interval=1m'],
      { prometheusUrl: 'x', metricsRelistIntervalMs: 60_000, metricsMaxAgeMs: 60_000 },
    ],
    ['-- ends flags', ['--v=1', '--', '--v=4', 'x'], { verbosity: 1 }, ['--v=4', 'x']],
    ['interspersed positionals', ['a', '--v=2', 'b', '-'], { verbosity: 2 }, ['a', 'b', '-']],
    ['a value that looks like a flag', ['--vmodule', '--x=1'], { vmodule: '--x=1' }],
    [
      'repeated stringArray without splitting',
      ['--prometheus-header=X-A=1,2', '--prometheus-header', 'X-B'],
      { prometheusHeaders: ['X-A=1,2', 'X-B'] },
    ],
    [
      'stringSlice splitting and appending',
      ['--tls-cipher-suites=A,B', '--tls-cipher-suites=C'],
      { tlsCipherSuites: ['A', 'B', 'C'] },
    ],
    [
      'stringSlice replacing its default',
      ['--requestheader-username-headers=X-User'],
      { requestheaderUsernameHeaders: ['X-User'] },
    ],
    [
      'stringSlice with CSV quotes',
      ['--requestheader-allowed-names="front,proxy",aggregator'],
      { requestheaderAllowedNames: ['front,proxy', 'aggregator'] },
    ],
    ['base-0 ints', ['--secure-port=0x1BB'], { securePort: 443 }],
    ['float32', ['--client-qps=2.5', '--client-burst=20'], { clientQps: 2.5, clientBurst: 20 }],
    ['an explicit max age', ['--metrics-max-age=1h'], { metricsMaxAgeMs: 3_600_000 }],
    ['an IPv6 bind address', ['--bind-address=::1'], { bindAddress: '::1' }],
    ['the last value winning', ['--v=1', '--v=3'], { verbosity: 3 }],
    [
      'klog no-op flags',
      ['--logtostderr=false', '--alsologtostderr'],
      { logtostderr: false, alsologtostderr: true },
    ],
    [
      'the added basic-auth flag',
      ['--prometheus-basic-auth-file=/etc/prom/auth'],
      { prometheusBasicAuthFile: '/etc/prom/auth' },
    ],
    [
      'repeated SNI certs',
      ['--tls-sni-cert-key=a.crt,a.key:foo.com,*.foo.com', '--tls-sni-cert-key', 'b.crt,b.key'],
      {
        tlsSniCertKeys: [
          { certFile: 'a.crt', keyFile: 'a.key', names: ['foo.com', '*.foo.com'] },
          { certFile: 'b.crt', keyFile: 'b.key', names: [] },
        ],
      },
    ],
  ];
  for (const [name, argv, want, args = []] of table) {
    it(`reads ${name}`, () => {
      const parsed = serve(argv);
      assert.deepEqual(parsed.args, args);
      for (const [key, value] of Object.entries(want)) {
        assert.deepEqual(parsed.options[key as keyof Options], value, key);
      }
    });
  }

  it('stores audit flags and warns about deprecated ones', () => {
    const parsed = serve([
      '--audit-log-path=-',
      '--audit-log-maxage=7',
      '--audit-webhook-batch-initial-backoff=5s',
    ]);
    assert.equal(parsed.options.audit['audit-log-path'], '-');
    assert.equal(parsed.options.audit['audit-log-maxage'], 7);
    assert.equal(parsed.options.audit['audit-webhook-initial-backoff'], 5_000);
    assert.deepEqual(parsed.warnings, [
      'Flag --audit-webhook-batch-initial-backoff has been deprecated, Deprecated, use --audit-webhook-initial-backoff instead.',
    ]);
  });

  it('returns deeply frozen options', () => {
    const o = opts(['--prometheus-header=a=b']);
    assert.ok(Object.isFrozen(o));
    assert.ok(Object.isFrozen(o.prometheusHeaders));
    assert.ok(Object.isFrozen(o.audit));
  });
});

describe('parseArgs: errors', () => {
  const table: readonly (readonly [readonly string[], string])[] = [
    [['--x'], 'unknown flag: --x'],
    [['--kubeconfig=/k'], 'unknown flag: --kubeconfig'],
    [['--log-dir=/tmp'], 'unknown flag: --log-dir'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-c', 'config.yaml'], "unknown shorthand flag: 'c' in -c"],
    [
      ['--secure-port=abc'],
      'invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ['--metrics-relist-interval=1d'],
      'invalid argument "1d" for "--metrics-relist-interval" flag: time: unknown unit "d" in duration "1d"',
    ],
    [
      ['--metrics-max-age', '10'],
      'invalid argument "10" for "--metrics-max-age" flag: time: missing unit in duration "10"',
    ],
    [
      ['--v=x'],
      'invalid argument "x" for "-v, --v" flag: strconv.ParseInt: parsing "x": invalid syntax',
    ],
    [
      ['--disable-http2=maybe'],
      'invalid argument "maybe" for "--disable-http2" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['--bind-address=nowhere'],
      'invalid argument "nowhere" for "--bind-address" flag: failed to parse IP: "nowhere"',
    ],
    [
      ['--tls-sni-cert-key=only.crt'],
      'invalid argument "only.crt" for "--tls-sni-cert-key" flag: expected comma separated certificate and key file paths',
    ],
    [['--prometheus-url'], 'flag needs an argument: --prometheus-url'],
    [['-v'], "flag needs an argument: 'v' in -v"],
    [['---x'], 'bad flag syntax: ---x'],
    [['--x', '--help'], 'unknown flag: --x'],
    [['config-gen', '--v=4'], 'unknown flag: --v'],
  ];
  for (const [argv, message] of table) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(
        () => parseArgs(argv),
        (err: unknown) =>
          err instanceof OptionsError && err.exitCode === 2 && err.message === message,
      );
    });
  }
});

describe('parseArgs: help and config-gen', () => {
  for (const argv of [['--help'], ['-h'], ['--v=2', '-h', '--bogus'], ['--help=false']]) {
    it(`answers help for ${argv.join(' ')}`, () => {
      const parsed = parseArgs(argv);
      assert.equal(parsed.command, 'help');
      assert.equal(parsed.command === 'help' && parsed.usage, usage());
    });
  }

  it('parses config-gen with its defaults and flags', () => {
    assert.deepEqual(parseArgs(['config-gen']), {
      command: 'config-gen',
      options: { labelPrefix: '', rateIntervalMs: 300_000 },
      args: [],
    });
    const parsed = parseArgs(['config-gen', '--rate-interval=1m30s', '--label-prefix', 'kube_']);
    assert.deepEqual(parsed.command === 'config-gen' && parsed.options, {
      labelPrefix: 'kube_',
      rateIntervalMs: 90_000,
    });
  });

  it('shows config-gen usage for config-gen -h', () => {
    const parsed = parseArgs(['config-gen', '-h']);
    assert.equal(parsed.command === 'help' && parsed.usage, usage('config-gen'));
    assert.match(usage('config-gen'), /--label-prefix string/);
    assert.doesNotMatch(usage('config-gen'), /--secure-port/);
  });
});

describe('usage', () => {
  it('lists every flag with its type and non-zero default', () => {
    const text = usage();
    for (const spec of SERVE_FLAGS) assert.ok(text.includes(`--${spec.name}`), spec.name);
    assert.match(text, /^ {6}--metrics-relist-interval duration +interval .* \(default 10m0s\)$/m);
    assert.match(text, /^ {2}-v, --v Level +number for the log level verbosity$/m);
    assert.match(
      text,
      /^ {6}--prometheus-url string +URL for connecting to Prometheus\. \(default "https:\/\/localhost"\)$/m,
    );
    assert.match(
      text,
      /--authorization-always-allow-paths strings .*\(default \[\/healthz,\/readyz,\/livez\]\)/,
    );
    assert.match(text, /^ {6}--disable-http2 +Disable HTTP\/2 support$/m);
  });
});

describe('validateOptions', () => {
  const table: readonly (readonly [readonly string[], readonly string[]])[] = [
    [[], []],
    [['--prometheus-verb=POST'], []],
    [
      ['--prometheus-verb=PUT'],
      ['unsupported Prometheus HTTP verb "PUT"; supported verbs: "GET" and "POST"'],
    ],
    [
      ['--prometheus-verb=post'],
      ['unsupported Prometheus HTTP verb "post"; supported verbs: "GET" and "POST"'],
    ],
    [
      ['--prometheus-auth-incluster', '--prometheus-auth-config=/k'],
      ['may not use both in-cluster auth and an explicit kubeconfig at the same time'],
    ],
    [['--secure-port=0'], []],
    [
      ['--secure-port=70000'],
      ['--secure-port 70000 must be between 0 and 65535, inclusive. 0 for turning off secure port'],
    ],
    [
      ['--tls-cert-file=a.crt'],
      ['--tls-cert-file and --tls-private-key-file must be given together'],
    ],
    [['--tls-min-version=VersionTLS13'], []],
    [['--tls-min-version=TLS1.3'], ['unknown tls version "TLS1.3"']],
    [['--metrics-relist-interval=0s'], ['--metrics-relist-interval must be positive']],
    [
      ['--prometheus-verb=HEAD', '--tls-private-key-file=k'],
      [
        'unsupported Prometheus HTTP verb "HEAD"; supported verbs: "GET" and "POST"',
        '--tls-cert-file and --tls-private-key-file must be given together',
      ],
    ],
  ];
  for (const [argv, want] of table) {
    it(`checks ${argv.join(' ') || 'the defaults'}`, () => {
      assert.deepEqual(validateOptions(opts(argv)), want);
    });
  }
});

describe('validateOptionsWithConfig', () => {
  const rules = { rules: [{ seriesQuery: 'up' }], externalRules: [] };
  const none = { rules: [], externalRules: [] };
  it('requires max age >= relist interval only when rules exist', () => {
    const o = opts(['--metrics-relist-interval=10m', '--metrics-max-age=5m']);
    assert.deepEqual(validateOptionsWithConfig(o, rules), [
      'max age must not be less than relist interval',
    ]);
    assert.deepEqual(validateOptionsWithConfig(o, none), []);
    assert.deepEqual(validateOptionsWithConfig(opts(['--metrics-relist-interval=1m']), rules), []);
  });
});
