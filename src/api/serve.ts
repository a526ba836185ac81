/**
 * The socket edge: HTTPS with ALPN h2 + http/1.1, or HTTP/1.1 only with `disableHttp2`. Serving cert from the flags or cert-dir (self-signed when absent) and
 * reloaded when its files change; client certificates requested, never required (the
 * authentication layer verifies them). Bounded headers, bodies, idle and slow clients;
 * `close()` stops accepting and drains.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createH2Server, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type Server as TlsServer,
  type TLSSocket,
} from 'node:tls';
import type { Logger } from '../log.ts';
import type { App } from './app.ts';
import { readKeyPair, startCertReloader } from './cert-reloader.ts';
import { createInFlightLimiter } from './request-guards.ts';
import { ensureServingCert, type CertKeyPem } from './self-signed.ts';
import { createRequestHandler, type Identify } from './serve-handler.ts';
import { opensslCiphers, tlsMinVersion } from './tls-config.ts';

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

const secureOptions = (options: ServeOptions, pair: CertKeyPem) => {
  const ciphers = opensslCiphers(options.cipherSuites ?? []);
  return {
    ...pair,
    minVersion: tlsMinVersion(options.tlsMinVersion),
    ...(ciphers === undefined ? {} : { ciphers, honorCipherOrder: true }),
  };
};

interface Servers {
  readonly tls: TlsServer;
  readonly h1: HttpServer;
  readonly h2: Http2Server;
  readonly sockets: Set<Socket>;
  readonly sessions: Set<Http2Session>;
}

type Listener = Parameters<typeof createHttpServer>[1] & Parameters<typeof createH2Server>[1];

/**
 * One TLS listener whose connections are handed, by negotiated ALPN protocol, to an HTTP/2
 * server or an HTTP/1.1 server that never listen themselves. Unlike `allowHTTP1`, this keeps
 * node:http's slow-client protection (headersTimeout, requestTimeout) for HTTP/1.1.
 */
const createServers = (
  options: ServeOptions,
  pair: CertKeyPem,
  listener: Listener,
  requestTimeoutMs: number,
): Servers => {
  const maxHeaderSize = options.maxHeaderBytes ?? MB;
  const headersTimeout = options.headersTimeoutMs ?? 32_000;
  const h1 = createHttpServer(
    {
      maxHeaderSize,
      headersTimeout,
      requestTimeout: Math.max(requestTimeoutMs + 60_000, headersTimeout),
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, headersTimeout / 4)),
    },
    listener,
  );
  h1.keepAliveTimeout = options.idleTimeoutMs ?? 90_000;
  // node:http starts its connection checks (headersTimeout, requestTimeout) on 'listening'.
  h1.emit('listening');
  const settings = {
    maxConcurrentStreams: options.http2MaxStreams ?? 100,
    maxHeaderListSize: maxHeaderSize,
  };
  const h2 = createH2Server({ settings }, listener);
  h2.setTimeout(options.idleTimeoutMs ?? 90_000);
  const alpn = options.disableHttp2 === true ? ['http/1.1'] : ['h2', 'http/1.1'];
  const tls = createTlsServer({
    ...secureOptions(options, pair),
    ALPNProtocols: alpn,
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: 10_000,
  });
  const servers: Servers = { tls, h1, h2, sockets: new Set(), sessions: new Set() };
  tls.on('secureConnection', (socket: TLSSocket) => {
    servers.sockets.add(socket);
    socket.once('close', () => servers.sockets.delete(socket));
    (socket.alpnProtocol === 'h2' ? h2 : h1).emit('connection', socket);
  });
  h2.on('session', (session: Http2Session) => {
    servers.sessions.add(session);
    session.once('close', () => servers.sessions.delete(session));
  });
  return servers;
};

const listen = (server: TlsServer, options: ServeOptions): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bindAddress, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });

/** Stop accepting; GOAWAY to HTTP/2 sessions; idle HTTP/1.1 connections closed, busy ones after their response. */
const drain = async (s: Servers, timeoutMs: number): Promise<void> => {
  const closed = new Promise<void>((resolve) =>
    s.tls.close(() => {
      resolve();
    }),
  );
  for (const session of s.sessions) session.close();
  s.h1.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
  s.h1.closeAllConnections();
  for (const session of s.sessions) session.destroy();
  for (const socket of s.sockets) socket.destroy();
  await closed;
  s.h1.close();
};

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
  const servers = createServers(options, await readKeyPair(files), listener, requestTimeoutMs);
  const address = await listen(servers.tls, options);
  const reloader = await startCertReloader({
    files,
    intervalMs: options.certCheckIntervalMs ?? 60_000,
    apply: (pair) => {
      servers.tls.setSecureContext(secureOptions(options, pair));
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
      await drain(servers, options.drainTimeoutMs ?? 60_000);
    },
  };
};
