/**
 * Test support: the running server (serve/ + api/app.ts) with the real authenticator and
 * authorizer, whose TokenReviews and SubjectAccessReviews go over HTTPS to a fake kube-apiserver
 * answering with `reply` (no real kube-apiserver runs in a unit test). Used by the auth tests
 * that need the whole serving stack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/api/app.ts';
import { createAuthenticator } from '../../src/auth/authenticate.ts';
import { EMPTY_AUTHN_CONFIG, type AuthnConfig } from '../../src/auth/authn-config.ts';
import { createAuthorizer, type Authorizer } from '../../src/auth/authorize.ts';
import { identifyWith } from '../../src/auth/serving-hooks.ts';
import { createTokenAuthenticator } from '../../src/auth/token.ts';
import { createKubeClient } from '../../src/kubernetes/client.ts';
import { createReviewClient } from '../../src/kubernetes/reviews.ts';
import { silentLogger } from '../../src/log.ts';
import { startServer, type RunningServer } from '../../src/serve/serve.ts';
import type { TestCert } from './pki.ts';

export type ReviewSpec = Record<string, unknown>;

/** A fake kube-apiserver: every POST is answered 201 with `reply(spec, path)` as JSON. */
const startFakeApiserver = async (
  serving: TestCert,
  reply: (spec: ReviewSpec, path: string) => unknown,
): Promise<{ server: Server; port: number }> => {
  const server: Server = createServer({ cert: serving.pem, key: serving.keyPem }, (req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { spec: ReviewSpec };
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply(body.spec, req.url ?? '')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

export interface ReviewStackOptions {
  /** The fake kube-apiserver's serving certificate and the CA the review client trusts. */
  readonly serving: TestCert;
  readonly ca: TestCert;
  readonly reply: (spec: ReviewSpec, path: string) => unknown;
  readonly authn?: () => AuthnConfig;
  /** The app, given the real authorizer (for its `authorize`/`impersonate` hooks). */
  readonly app: (authorize: Authorizer) => App;
}

export interface ReviewStack {
  readonly server: RunningServer;
  close(): Promise<void>;
}

export const startReviewStack = async (options: ReviewStackOptions): Promise<ReviewStack> => {
  const api = await startFakeApiserver(options.serving, options.reply);
  const kube = createKubeClient(
    { server: new URL(`https://127.0.0.1:${api.port}`), ca: options.ca.pem },
    { qps: -1 },
  );
  const reviews = createReviewClient(kube);
  const log = silentLogger();
  const authenticate = createAuthenticator({
    config: options.authn ?? (() => EMPTY_AUTHN_CONFIG),
    token: createTokenAuthenticator({ review: reviews.tokenReview, log }),
  });
  const authorize = createAuthorizer({ review: reviews.subjectAccessReview, log });
  const certDir = await mkdtemp(join(tmpdir(), 'review-stack-'));
  const server = await startServer(options.app(authorize), {
    bindAddress: '127.0.0.1',
    port: 0,
    certDir,
    identify: identifyWith(authenticate),
    logger: log,
    drainTimeoutMs: 1000,
  });
  return {
    server,
    close: async () => {
      await server.close();
      await kube.close();
      await new Promise((resolve) => api.server.close(resolve));
      await rm(certDir, { recursive: true, force: true });
    },
  };
};
