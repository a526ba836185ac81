/**
 * One request through the serving filters, in the generic apiserver's order: body bound,
 * deadline (504 with an aborted signal), authentication (the `identify` hook), max-in-flight
 * (429 + `Retry-After: 1`), then the app.
 */
import type { X509Certificate } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { App } from '../api/app.ts';
import { userOf, type ApiResponse, type HeaderMap, type Identity } from '../api/http-types.ts';
import {
  connectionOf,
  headersOf,
  newHeaderRecord,
  peerChainOf,
  tlsSocketOf,
  writeResponse,
  type NodeRequest,
  type NodeResponse,
} from './node-bridge.ts';
import { requestDeadlineMs, statusResponse, type InFlightLimiter } from './request-guards.ts';
import { entityTooLarge, timedOut, tooManyRequests } from '../api/status.ts';

/** What the authentication layer sees of a request. */
export interface PeerRequest {
  readonly headers: HeaderMap;
  /** The client's certificate chain, leaf first (computed on first call). */
  readonly peerChain: () => readonly X509Certificate[];
  /** Stable per TLS connection (socket or HTTP/2 session), for caching verdicts. */
  readonly connection: object;
}

export interface Identification {
  readonly identity?: Identity;
  /** Headers removed before the app sees the request (e.g. trusted X-Remote-* headers). */
  readonly stripHeaders?: readonly string[];
}

/** Authentication hook; a throw answers 500. */
export type Identify = (peer: PeerRequest) => Promise<Identification>;

export interface HandlerContext {
  readonly app: App;
  readonly identify?: Identify;
  readonly limiter: InFlightLimiter;
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** True once close() began: HTTP/1.1 responses then carry `Connection: close`. */
  readonly draining: () => boolean;
}

interface Incoming {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string | string[]>;
}

/** `headers` less the `strip` names; the same object when there is nothing to strip. */
const withoutHeaders = (headers: HeaderMap, strip: readonly string[] = []): HeaderMap => {
  if (strip.length === 0) return headers;
  const kept = newHeaderRecord<string | readonly string[] | undefined>();
  for (const name of Object.keys(headers)) {
    if (!strip.includes(name)) kept[name] = headers[name];
  }
  return kept;
};

const admitted = async (
  ctx: HandlerContext,
  req: NodeRequest,
  inc: Incoming,
  signal: AbortSignal,
): Promise<ApiResponse> => {
  const socket = tlsSocketOf(req);
  const peer = {
    headers: inc.headers,
    peerChain: () => peerChainOf(socket),
    connection: connectionOf(req),
  };
  const { identity, stripHeaders } = ctx.identify === undefined ? {} : await ctx.identify(peer);
  const release = ctx.limiter.tryAcquire(inc.method, userOf(identity));
  if (release === undefined) {
    return statusResponse(inc.headers, inc.target, tooManyRequests(), { 'retry-after': '1' });
  }
  try {
    const headers = withoutHeaders(inc.headers, stripHeaders);
    return await ctx.app.handle({
      method: inc.method,
      path: inc.target,
      headers,
      signal,
      ...(identity && { identity }),
    });
  } finally {
    release();
  }
};

/** Discards the body, destroying the request once it exceeds the bound. */
const drainBody = (req: NodeRequest, limit: number): void => {
  let total = 0;
  req.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > limit) req.destroy();
  });
  req.on('error', () => undefined);
};

const aborted = (signal: AbortSignal): Promise<undefined> =>
  new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        resolve(undefined);
      },
      { once: true },
    );
  });

const deadlineRace = async (
  ctx: HandlerContext,
  req: NodeRequest,
  res: NodeResponse,
  inc: Incoming,
  ms: number,
) => {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, ms);
  const onClose = () => {
    controller.abort();
  };
  res.once('close', onClose);
  try {
    const answer = await Promise.race([
      admitted(ctx, req, inc, controller.signal),
      aborted(controller.signal),
    ]);
    return answer ?? statusResponse(inc.headers, inc.target, timedOut());
  } finally {
    clearTimeout(timer);
    res.off('close', onClose);
  }
};

const serveOne = async (
  ctx: HandlerContext,
  req: NodeRequest,
  res: NodeResponse,
): Promise<ApiResponse> => {
  const inc: Incoming = {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers: headersOf(req),
  };
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > ctx.maxBodyBytes)
    return statusResponse(inc.headers, inc.target, entityTooLarge(ctx.maxBodyBytes));
  drainBody(req, ctx.maxBodyBytes);
  const deadline = requestDeadlineMs(inc.target, ctx.requestTimeoutMs);
  if (typeof deadline !== 'number') return statusResponse(inc.headers, inc.target, deadline);
  return deadlineRace(ctx, req, res, inc, deadline);
};

/** The `request` listener for the Node server. */
export const createRequestHandler =
  (ctx: HandlerContext) =>
  (req: NodeRequest, res: NodeResponse): void => {
    serveOne(ctx, req, res).then(
      (response) => {
        writeResponse(res, response, ctx.draining());
      },
      (err: unknown) => {
        ctx.logger.error('request handling failed', { err });
        writeResponse(res, {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: 'Internal Server Error\n',
        });
      },
    );
  };
