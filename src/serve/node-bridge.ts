/**
 * Node's HTTP/1.1 and HTTP/2 (compat API) request and response objects ↔ our ApiRequest and
 * ApiResponse: headers from `rawHeaders` (repeated lines kept apart, HTTP/2 pseudo-headers
 * dropped), the TLS socket and its peer certificate chain, and writing a finished response.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ApiResponse } from '../api/http-types.ts';

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** The prototype of header records: empty, frozen, without a prototype of its own. */
const NO_PROTOTYPE = Object.freeze(Object.create(null) as object);

/**
 * A new, empty header record. Nothing is inherited (`__proto__` or `constructor` are plain keys,
 * absent names read as undefined), yet it stays a fast-mode object, unlike `Object.create(null)`,
 * whose dictionary mode makes building and listing headers several times slower.
 */
export const newHeaderRecord = <V>(): Record<string, V> =>
  Object.create(NO_PROTOTYPE) as Record<string, V>;

/** Lowercase names; one string per single header line, an array when a header repeats. */
export const headersOf = (req: NodeRequest): Record<string, string | string[]> => {
  const out = newHeaderRecord<string | string[]>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    if (name.startsWith(':')) continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
};

const isHttp2 = (req: NodeRequest): req is Http2ServerRequest => 'stream' in req;

/** What we read from the TLS connection. */
export type PeerSocket = Pick<TLSSocket, 'getPeerCertificate'>;

/** The TLS connection under the request (the session socket for HTTP/2). */
export const tlsSocketOf = (req: NodeRequest): PeerSocket =>
  (isHttp2(req) ? req.stream.session?.socket : req.socket) as unknown as PeerSocket;

/** A stable object per connection: the HTTP/2 session or the HTTP/1.1 socket. */
export const connectionOf = (req: NodeRequest): object =>
  isHttp2(req) ? (req.stream.session ?? req.stream) : req.socket;

/** The certificates the client presented, leaf first; `[]` without a client certificate. */
export const peerChainOf = (socket: PeerSocket): readonly X509Certificate[] => {
  const chain: X509Certificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
};

interface WritableResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: string | Buffer): unknown;
}

/**
 * Writes a finished response unless one was already started (e.g. a late answer after a
 * timeout). `close` adds `Connection: close` on HTTP/1.1 (used while draining).
 */
export const writeResponse = (res: NodeResponse, response: ApiResponse, close = false): void => {
  const w = res as unknown as WritableResponse;
  if (w.headersSent || res.writableEnded || res.destroyed) return;
  const length =
    typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length;
  const headers: Record<string, string | number> = {
    ...response.headers,
    'content-length': length,
  };
  if (close && !('stream' in res)) headers.connection = 'close';
  w.writeHead(response.status, headers);
  w.end(response.body);
};
