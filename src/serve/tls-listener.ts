/**
 * One TLS listener whose connections are handed, by negotiated ALPN protocol, to an HTTP/2
 * server or an HTTP/1.1 server that never listen themselves. Unlike node:http2's `allowHTTP1`,
 * this keeps node:http's slow-client protection (headersTimeout, requestTimeout) for
 * HTTP/1.1. Client certificates are requested, never required.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createH2Server, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type SecureContext,
  type Server as TlsServer,
  type TLSSocket,
} from 'node:tls';
import type { CertKeyPem } from './self-signed.ts';
import { opensslCiphers, tlsMinVersion } from './tls-config.ts';
import { answerClientError, serveConnect } from './h1-fallbacks.ts';

/** The listener's knobs (see ServeOptions for their defaults and meaning). */
export interface ListenerOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly tlsMinVersion?: string;
  readonly cipherSuites?: readonly string[];
  readonly disableHttp2?: boolean;
  readonly http2MaxStreams?: number;
  readonly maxHeaderBytes: number;
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly requestTimeoutMs: number;
  /** `--tls-sni-cert-key`: the context for a client's server name (undefined: the default). */
  readonly sni?: (serverName: string) => SecureContext | undefined;
}

export type RequestListener = Parameters<typeof createHttpServer>[1] &
  Parameters<typeof createH2Server>[1];

export interface TlsListener {
  readonly address: AddressInfo;
  /** Serves a new cert/key pair from the next handshake on. */
  setPair(pair: CertKeyPem): void;
  /** Stops accepting and drains; connections left after `timeoutMs` are cut. */
  close(timeoutMs: number): Promise<void>;
}

/** The TLS settings every certificate is served with (min version, cipher suites). */
export const secureOptions = (
  options: Pick<ListenerOptions, 'tlsMinVersion' | 'cipherSuites'>,
  pair: CertKeyPem,
) => {
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

const createServers = (
  options: ListenerOptions,
  pair: CertKeyPem,
  listener: RequestListener,
): Servers => {
  const { maxHeaderBytes: maxHeaderSize, requestTimeoutMs } = options;
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
  h1.on('clientError', answerClientError);
  h1.on(
    'connect',
    serveConnect((req, res) => h1.emit('request', req, res)),
  );
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
    ...(options.sni === undefined
      ? {}
      : {
          SNICallback: (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
            cb(null, options.sni?.(name));
          },
        }),
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

const listen = (server: TlsServer, options: ListenerOptions): Promise<AddressInfo> =>
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

/** Creates the servers and listens; resolves with the bound address. */
export const startTlsListener = async (
  options: ListenerOptions,
  pair: CertKeyPem,
  listener: RequestListener,
): Promise<TlsListener> => {
  const servers = createServers(options, pair, listener);
  const address = await listen(servers.tls, options);
  return {
    address,
    setPair: (next) => {
      servers.tls.setSecureContext(secureOptions(options, next));
    },
    close: (timeoutMs) => drain(servers, timeoutMs),
  };
};
