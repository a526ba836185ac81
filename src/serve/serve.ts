/**
 * The socket edge: HTTPS with ALPN h2 + http/1.1, or HTTP/1.1 only with `disableHttp2`.
 * Serving cert from the flags or cert-dir (self-signed when absent), reloaded when its files
 * change; client certificates requested, never required (the authentication layer verifies
 * them). Bounded headers, bodies, in-flight requests, idle and slow clients; `close()` stops
 * accepting and drains.
 */
import type { Logger } from '../log.ts';
import type { App } from '../api/app.ts';
import { readKeyPair, startCertReloader } from './cert-reloader.ts';
import { createInFlightLimiter } from './request-guards.ts';
import { ensureServingCert } from './self-signed.ts';
import { createRequestHandler, type Identify } from './serve-handler.ts';
import { startSniContexts, type SniCertKey } from './sni.ts';
import { secureOptions, startTlsListener } from './tls-listener.ts';

export interface ServeOptions {
  readonly bindAddress: string;
  /** 0 picks a free port (see RunningServer.port). */
  readonly port: number;
  readonly certDir: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** `VersionTLS10`…`VersionTLS13`; default TLS 1.2. */
  readonly tlsMinVersion?: string;
  /** IANA cipher suite names; empty means Node's defaults. */
  readonly cipherSuites?: readonly string[];
  readonly disableHttp2?: boolean;
  /** Concurrent streams per HTTP/2 connection (default 100). */
  readonly http2MaxStreams?: number;
  readonly identify?: Identify;
  /** Default 60s; `?timeout=` may lower it per request. */
  readonly requestTimeoutMs?: number;
  /** Default 400 read-only and 200 mutating requests; 0 disables a limit. */
  readonly maxRequestsInFlight?: number;
  readonly maxMutatingRequestsInFlight?: number;
  /** Default 1 MiB (header list for HTTP/2). */
  readonly maxHeaderBytes?: number;
  /** Default 3 MiB; we read no bodies, larger ones are refused or cut. */
  readonly maxBodyBytes?: number;
  /** Time allowed to send the request headers (HTTP/1.1; default 32s, Go's ReadHeaderTimeout). */
  readonly headersTimeoutMs?: number;
  /** Idle keep-alive connections and HTTP/2 sessions are closed after this (default 90s). */
  readonly idleTimeoutMs?: number;
  /** How often the cert/key files are checked for changes (default 60s). */
  readonly certCheckIntervalMs?: number;
  /** How long close() waits for in-flight requests before cutting connections (default 60s). */
  readonly drainTimeoutMs?: number;
  /** `--tls-sni-cert-key` pairs, chosen by the client's server name. */
  readonly sniCertKeys?: readonly SniCertKey[];
  readonly logger: Logger;
}

export interface RunningServer {
  readonly port: number;
  readonly address: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Stops accepting, lets in-flight requests finish (bounded), closes every connection. */
  close(): Promise<void>;
}

const MB = 1 << 20;

/** Starts serving `app`; resolves once listening. */
export const startServer = async (app: App, options: ServeOptions): Promise<RunningServer> => {
  const { logger } = options;
  const files = await ensureServingCert(options);
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const limiter = createInFlightLimiter(
    options.maxRequestsInFlight ?? 400,
    options.maxMutatingRequestsInFlight ?? 200,
  );
  const state = { draining: false };
  const maxBodyBytes = options.maxBodyBytes ?? 3 * MB;
  const handlerContext = {
    app,
    limiter,
    requestTimeoutMs,
    maxBodyBytes,
    logger,
    draining: () => state.draining,
  };
  const listener = createRequestHandler({
    ...handlerContext,
    ...(options.identify && { identify: options.identify }),
  });
  const certCheckIntervalMs = options.certCheckIntervalMs ?? 60_000;
  const sni =
    options.sniCertKeys === undefined || options.sniCertKeys.length === 0
      ? undefined
      : await startSniContexts(options.sniCertKeys, (pair) => secureOptions(options, pair), {
          intervalMs: certCheckIntervalMs,
          logger,
        });
  const listenerOptions = {
    ...options,
    maxHeaderBytes: options.maxHeaderBytes ?? MB,
    requestTimeoutMs,
    ...(sni === undefined ? {} : { sni: (name: string) => sni.contextFor(name) }),
  };
  const tls = await startTlsListener(listenerOptions, await readKeyPair(files), listener);
  const { address } = tls;
  const reloader = await startCertReloader({
    files,
    intervalMs: certCheckIntervalMs,
    apply: (pair) => {
      tls.setPair(pair);
    },
    logger,
  });
  logger.info('Serving securely', {
    address: address.address,
    port: address.port,
    http2: options.disableHttp2 !== true,
  });
  return {
    port: address.port,
    address: address.address,
    ...files,
    close: async () => {
      state.draining = true;
      reloader.stop();
      sni?.stop();
      await tls.close(options.drainTimeoutMs ?? 60_000);
    },
  };
};
