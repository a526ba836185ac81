/**
 * Delegated authentication and authorization for the serving port, like every aggregated API
 * server: front-proxy headers, client certs, TokenReview, anonymous; then system:masters, the
 * always-allow paths, and SubjectAccessReview; `Impersonate-*` headers checked with the same
 * authorizer (auth/impersonation.ts). The review client uses
 * `--authentication-kubeconfig` / `--authorization-kubeconfig`, else the in-cluster config, else
 * (outside a cluster, a deliberate convenience) the `--lister-kubeconfig`.
 */
import { createAuthenticator } from '../auth/authenticate.ts';
import { compileAlwaysAllowPaths } from '../auth/always-allow-paths.ts';
import { createAuthorizer } from '../auth/authorize.ts';
import { authorizeWith, identifyWith } from '../auth/serving-hooks.ts';
import { impersonateWith } from '../auth/impersonation.ts';
import { createTokenAuthenticator } from '../auth/token.ts';
import type { AppDeps } from '../api/app.ts';
import type { Identify } from '../serve/serve-handler.ts';
import { createKubeClient, type KubeClient } from '../kubernetes/client.ts';
import { startAuthConfigSource } from '../auth/extension-auth-config.ts';
import {
  inClusterConfig,
  loadKubeconfig,
  type ClusterConnection,
} from '../kubernetes/kubeconfig.ts';
import { createReviewClient } from '../kubernetes/reviews.ts';
import type { Logger } from '../log.ts';
import type { Options } from '../cli/options.ts';

export interface Security {
  readonly identify: Identify;
  readonly authorize: NonNullable<AppDeps['authorize']>;
  readonly impersonate: NonNullable<AppDeps['impersonate']>;
  close(): Promise<void>;
}

const connectionFor = (explicit: string, lister: string): ClusterConnection => {
  if (explicit !== '') return loadKubeconfig(explicit);
  if (process.env['KUBERNETES_SERVICE_HOST'] !== undefined) return inClusterConfig();
  if (lister !== '') return loadKubeconfig(lister);
  return inClusterConfig();
};

/** upstream's delegated clients: QPS 200, burst 400, 10 s per call. */
const reviewClient = (conn: ClusterConnection): KubeClient =>
  createKubeClient(conn, {
    qps: 200,
    burst: 400,
    timeoutMs: 10_000,
    userAgent: 'k8s-prometheus-adapter/auth',
  });

export const startSecurity = async (
  options: Options,
  ctx: { readonly logger: Logger; readonly signal: AbortSignal },
): Promise<Security> => {
  compileAlwaysAllowPaths(options.authorizationAlwaysAllowPaths);
  const authnKube = reviewClient(
    connectionFor(options.authenticationKubeconfig, options.listerKubeconfig),
  );
  const authzKube =
    options.authorizationKubeconfig === options.authenticationKubeconfig
      ? authnKube
      : reviewClient(connectionFor(options.authorizationKubeconfig, options.listerKubeconfig));
  const log = ctx.logger;
  const source = await startAuthConfigSource({
    flags: options,
    client: authnKube,
    log,
    signal: ctx.signal,
  });
  const authnReviews = createReviewClient(authnKube);
  const authenticate = createAuthenticator({
    config: () => source.current(),
    log,
    token: createTokenAuthenticator({
      review: authnReviews.tokenReview,
      ttlMs: options.authenticationTokenWebhookCacheTtlMs,
      log,
    }),
  });
  const authorize = createAuthorizer({
    review: createReviewClient(authzKube).subjectAccessReview,
    alwaysAllowPaths: options.authorizationAlwaysAllowPaths,
    allowedTtlMs: options.authorizationWebhookCacheAuthorizedTtlMs,
    deniedTtlMs: options.authorizationWebhookCacheUnauthorizedTtlMs,
    log,
  });
  return {
    identify: identifyWith(authenticate),
    authorize: authorizeWith(authorize),
    impersonate: impersonateWith(authorize),
    close: async () => {
      await Promise.allSettled([authnKube.close(), authzKube.close()]);
    },
  };
};
