/**
 * The modes the auth benchmark compares, with their in-process fakes (TokenReview and
 * SubjectAccessReview answer at once; the caches make them irrelevant once warm).
 */
import { createApp, type App } from '../../src/api/app.ts';
import type { CustomMetricsProvider, CustomMetricValue } from '../../src/api/provider.ts';
import type { Identify } from '../../src/serve/serve-handler.ts';
import { createAuthenticator } from '../../src/auth/authenticate.ts';
import { requestHeaderConfigOf } from '../../src/auth/authn-config.ts';
import { createAuthorizer } from '../../src/auth/authorize.ts';
import { parseCaBundle } from '../../src/auth/cert-chain.ts';
import { issue, issueCa, type TestCert } from '../support/pki.ts';
import { authorizeWith, identifyWith } from '../../src/auth/serving-hooks.ts';
import type { Authorizer } from '../../src/auth/authorize.ts';
import { createTokenAuthenticator } from '../../src/auth/token.ts';
import { silentLogger } from '../../src/log.ts';
import type { LoadJob } from './bench-load.ts';

/** A custom metrics provider answering a 10-pod list. */
export const provider = (): CustomMetricsProvider => {
  const valueOf = (i: number): CustomMetricValue => ({
    describedObject: { kind: 'Pod', namespace: 'bench', name: `web-${i}`, apiVersion: 'v1' },
    metricName: 'requests_per_second',
    timestamp: 1_700_000_000,
    value: `${100 + i}m`,
  });
  const values = Array.from({ length: 10 }, (_, i) => valueOf(i));
  return {
    listMetrics: () => [{ groupResource: 'pods', metric: 'requests_per_second', namespaced: true }],
    getByName: () => Promise.resolve(valueOf(0)),
    getBySelector: () => Promise.resolve(values),
  };
};

/** The app a mode serves: the 10-pod provider, with the mode's authorizer if any. */
export const appFor = (mode: Mode): App =>
  createApp({
    custom: provider(),
    health: { readyChecks: () => ({}), liveChecks: () => ({}) },
    ...(mode.authorize === undefined ? {} : { authorize: authorizeWith(mode.authorize) }),
    now: () => new Date(),
    version: { gitVersion: 'bench' },
    logger: silentLogger(),
  });

/** One way of serving: how requests are identified and authorized, and what the client sends. */
export interface Mode {
  readonly name: string;
  readonly identify: Identify;
  readonly authorize: Authorizer | undefined;
  readonly client: Pick<LoadJob, 'cert' | 'key' | 'headers'>;
}

/**
 * Trusted identity (the baseline, and again as a control); front proxy; bearer token (the last
 * two with warm caches after the first request). The trusted modes' client sends exactly the
 * bytes and certificate of the front-proxy mode.
 */
export const modes = async (): Promise<Mode[]> => {
  const proxyCa = await issueCa('front-proxy-ca');
  const proxy: TestCert = await issue({ cn: 'front-proxy-client', issuer: proxyCa });
  const log = silentLogger();
  const headers = {
    usernameHeaders: ['x-remote-user'],
    groupHeaders: ['x-remote-group'],
    extraPrefixes: ['x-remote-extra-'],
  };
  const config = {
    clientCa: undefined,
    requestHeader: requestHeaderConfigOf(parseCaBundle(proxyCa.pem, 'proxy'), {
      ...headers,
      allowedNames: ['front-proxy-client'],
    }),
  };
  const user = { username: 'hpa', uid: '', groups: ['system:serviceaccounts'], extra: {} };
  const token = createTokenAuthenticator({
    review: () => Promise.resolve({ authenticated: true, user, error: '' }),
    log,
  });
  const authorizer = createAuthorizer({
    review: () =>
      Promise.resolve({ allowed: true, denied: false, reason: '', evaluationError: '' }),
    log,
  });
  const authenticate = createAuthenticator({ config: () => config, token });
  const viaProxy = {
    cert: proxy.pem,
    key: proxy.keyPem,
    headers: {
      'x-remote-user': 'hpa',
      'x-remote-group': ['system:serviceaccounts', 'system:authenticated'],
    },
  };
  // The identity the front-proxy mode arrives at, handed over without any check.
  const identity = { name: 'hpa', groups: ['system:serviceaccounts', 'system:authenticated'] };
  const trusted: Identify = () => Promise.resolve({ identity });
  return [
    { name: 'trusted identity', identify: trusted, authorize: undefined, client: viaProxy },
    // The baseline once more, on its own server: how far apart two identical modes measure.
    {
      name: 'trusted identity (control)',
      identify: trusted,
      authorize: undefined,
      client: viaProxy,
    },
    {
      name: 'front-proxy authn + SAR (warm)',
      identify: identifyWith(authenticate),
      authorize: authorizer,
      client: viaProxy,
    },
    {
      name: 'bearer token authn + SAR (warm)',
      identify: identifyWith(authenticate),
      authorize: authorizer,
      client: { headers: { authorization: 'Bearer bench-token' } },
    },
  ];
};
