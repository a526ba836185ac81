import { Pool, type Dispatcher } from 'undici';
import type { ClusterConnection } from './kubeconfig.ts';
import { KubernetesError, kubernetesErrorFromResponse } from './kubernetes-error.ts';
import { createTokenBucket, type RateLimiter } from './rate-limiter.ts';
import { tlsOptionsFor } from './tls-options.ts';
import { readNdjson } from './ndjson.ts';

export interface KubeClientOptions {
  /** client-go QPS (`--client-qps`, default 5; negative disables throttling). */
  readonly qps?: number;
  /** client-go burst (`--client-burst`, default 10). */
  readonly burst?: number;
  /** Upper bound of concurrent connections to the API server (default 10). */
  readonly maxConnections?: number;
  /** Per-request timeout for non-watch calls (default 30 s). */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  /** Replaces the QPS/burst bucket (tests). */
  readonly rateLimiter?: RateLimiter;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
  /** Accept header (default `application/json`). */
  readonly accept?: string;
  /** false skips the client-side rate limiter (discovery, as client-go's discovery burst). */
  readonly throttle?: boolean;
}

/** One line of a watch stream: `{type: ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, object}`. */
export interface WatchEvent {
  readonly type: string;
  readonly object: unknown;
}

/**
 * A minimal JSON client for the Kubernetes API. Paths are absolute API paths (`/api/v1/pods`)
 * appended to the server URL's own path. Non-2xx answers throw KubernetesError carrying the
 * Status reason; transport failures throw KubernetesError with status 0 and the cause.
 */
export interface KubeClient {
  getJson(path: string, options?: RequestOptions): Promise<unknown>;
  postJson(path: string, body: unknown, options?: RequestOptions): Promise<unknown>;
  /** Sends a JSON merge patch (`application/merge-patch+json`); works for subresources (`…/status`). */
  patchJson(path: string, patch: unknown, options?: RequestOptions): Promise<unknown>;
  /** DELETE with an optional body (a `DeleteOptions`); resolves with the answer (object or Status). */
  deleteJson(path: string, body?: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * Streams a watch (`watch=true` is added to `query`), calling `onEvent` per NDJSON line.
   * Resolves when the server ends the stream or `signal` aborts.
   */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
    /** Accept header, e.g. PartialObjectMetadata for a metadata-only watch. */
    accept?: string,
  ): Promise<void>;
  /** Closes pooled connections after in-flight requests finish. */
  close(): Promise<void>;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly options: RequestOptions;
  readonly body?: string;
  /** Content type of `body` (default `application/json`). */
  readonly contentType?: string;
  readonly watch?: boolean;
}

const MERGE_PATCH = 'application/merge-patch+json';

const toWatchEvent = (value: unknown): WatchEvent => {
  if (typeof value !== 'object' || value === null || !('type' in value)) {
    throw new KubernetesError(0, '', 'malformed watch event');
  }
  const { type, object } = value as { type: unknown; object?: unknown };
  if (typeof type !== 'string') throw new KubernetesError(0, '', 'malformed watch event');
  return { type, object };
};

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Creates a KubeClient over a bounded undici Pool with keep-alive. */
export const createKubeClient = (
  conn: ClusterConnection,
  options: KubeClientOptions = {},
): KubeClient => {
  const pool = new Pool(conn.server.origin, {
    connections: options.maxConnections ?? 10,
    keepAliveTimeout: 30_000,
    connect: { ...tlsOptionsFor(conn) },
  });
  const limiter =
    options.rateLimiter ?? createTokenBucket({ qps: options.qps ?? 5, burst: options.burst ?? 10 });
  const prefix = conn.server.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  const headersFor = async (call: Call): Promise<Record<string, string>> => {
    const headers: Record<string, string> = {
      accept: call.options.accept ?? 'application/json',
      'user-agent': options.userAgent ?? 'k8s-prometheus-adapter',
    };
    if (call.body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    const auth = await conn.authorization?.();
    if (auth !== undefined) headers['authorization'] = auth;
    return headers;
  };

  const send = async (call: Call): Promise<Dispatcher.ResponseData> => {
    const { signal, query = {}, throttle = true } = call.options;
    if (throttle) await limiter.acquire(signal);
    const search = new URLSearchParams(call.watch === true ? { ...query, watch: 'true' } : query);
    const qs = search.size > 0 ? `?${search.toString()}` : '';
    const path = `${prefix}${call.path}${qs}`;
    const signals = call.watch === true ? [] : [AbortSignal.timeout(timeoutMs)];
    if (signal !== undefined) signals.push(signal);
    try {
      const res = await pool.request({
        method: call.method,
        path,
        headers: await headersFor(call),
        body: call.body ?? null,
        signal: AbortSignal.any(signals),
        ...(call.watch === true ? { bodyTimeout: 0 } : {}),
      });
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      throw kubernetesErrorFromResponse(
        res.statusCode,
        await res.body.text(),
        `${call.method} ${path}`,
      );
    } catch (err) {
      if (err instanceof KubernetesError) throw err;
      throw new KubernetesError(0, '', `${call.method} ${path}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  };

  const json = async (call: Call): Promise<unknown> => {
    const res = await send(call);
    try {
      return await res.body.json();
    } catch (err) {
      throw new KubernetesError(
        0,
        '',
        `${call.method} ${call.path}: bad JSON: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
  };

  return {
    getJson: (path, opts = {}) => json({ method: 'GET', path, options: opts }),
    postJson: (path, body, opts = {}) =>
      json({ method: 'POST', path, options: opts, body: JSON.stringify(body) }),
    patchJson: (path, patch, opts = {}) =>
      json({
        method: 'PATCH',
        path,
        options: opts,
        body: JSON.stringify(patch),
        contentType: MERGE_PATCH,
      }),
    deleteJson: (path, body, opts = {}) =>
      json({
        method: 'DELETE',
        path,
        options: opts,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    watch: async (path, query, onEvent, signal, accept) => {
      try {
        const options = { query, signal, ...(accept === undefined ? {} : { accept }) };
        const res = await send({ method: 'GET', path, options, watch: true });
        await readNdjson(res.body, (value) => {
          onEvent(toWatchEvent(value));
        });
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
    },
    close: () => pool.close(),
  };
};
