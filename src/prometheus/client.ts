import { posix } from 'node:path';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { reloadingConnector } from './client-cert.ts';
import { basicAuthHeader } from '../kubernetes/file-source.ts';
import { buildPrometheusAuth, type PrometheusAuthOptions } from './auth.ts';
import { PrometheusConfigError, PrometheusError } from './errors.ts';
import { canonicalHeaderKey, hasAuthorization, invalidHeader, type HeaderMap } from './headers.ts';
import { encodeQuery, formatModelTime } from './params.ts';
import { decodeEnvelope, hasEnvelope, parseQueryResult } from './response.ts';
import { readSeriesBody } from './series-stream.ts';
import type { PrometheusClient } from './types.ts';

export interface PrometheusClientOptions extends PrometheusAuthOptions {
  /** `--prometheus-url`; API paths are joined onto its path. */
  readonly baseUrl: string;
  /** `--prometheus-verb` (default GET). POST sends the parameters as a form body. */
  readonly verb?: string | undefined;
  /** `--prometheus-header` values, see parseHeaderArgs. */
  readonly headers?: HeaderMap | undefined;
  /** Upper bound of concurrent connections (default 16), kept alive between requests. */
  readonly maxConnections?: number | undefined;
  /** Per-request timeout of queries in ms (none by default; callers pass signals). */
  readonly timeoutMs?: number | undefined;
  /**
   * Per-request timeout of `/api/v1/series` calls in ms (none by default, as upstream): a relist
   * against a large Prometheus or a slow Thanos may take minutes and still be worth finishing.
   */
  readonly seriesTimeoutMs?: number | undefined;
  /**
   * Largest `/api/v1/query` answer read, in bytes (default 32 MiB); a larger one is a
   * `bad_response` error, read no further (not in upstream, whose client reads any size).
   */
  readonly maxQueryResponseBytes?: number | undefined;
  /** Histogram hook (path, server, seconds): success and Prometheus errors, not transport errors. */
  readonly observe?: ((path: string, server: string, seconds: number) => void) | undefined;
  /** Request log hook for `--v=6`: called once a response status is known. */
  readonly onRequest?:
    ((method: string, url: string, status: number, ms: number) => void) | undefined;
  /** Monotonic milliseconds (default performance.now). */
  readonly clock?: (() => number) | undefined;
}

/** A PrometheusClient owning a connection pool. */
export interface HttpPrometheusClient extends PrometheusClient {
  /** Closes idle connections and waits for in-flight requests. */
  close(): Promise<void>;
}

const SERIES_PATH = '/api/v1/series';
const QUERY_PATH = '/api/v1/query';

const parseBase = (text: string): URL => {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new PrometheusConfigError(`invalid Prometheus URL ${JSON.stringify(text)}`, {
      cause: err,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PrometheusConfigError(
      `invalid Prometheus URL ${JSON.stringify(text)}: unsupported scheme`,
    );
  }
  return url;
};

const checkVerb = (verb: string): 'GET' | 'POST' => {
  if (verb === 'GET' || verb === 'POST') return verb;
  throw new PrometheusConfigError(
    `unsupported Prometheus HTTP verb ${JSON.stringify(verb)}; supported verbs: "GET" and "POST"`,
  );
};

/** Canonical keys; POST forces the form Content-Type, as Go's Header.Set does. */
const baseHeaders = (headers: HeaderMap, verb: 'GET' | 'POST'): Record<string, string[]> => {
  const problem = invalidHeader(headers);
  if (problem !== undefined) throw new PrometheusConfigError(problem);
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(headers)) {
    const k = canonicalHeaderKey(key);
    out[k] = [...(out[k] ?? []), ...values];
  }
  if (verb === 'POST') out['Content-Type'] = ['application/x-www-form-urlencoded'];
  return out;
};

/** Go's URL.Redacted(): the password in user info becomes `xxxxx`. */
const redacted = (url: URL, raw: string): string => {
  if (url.password === '') return raw;
  const copy = new URL(url.href);
  copy.password = 'xxxxx';
  return copy.href;
};

/**
 * Where a call goes: the endpoint joined onto the base path (Go path.Join); GET carries the
 * encoded params as the whole query (base query dropped), POST keeps the base query and sends
 * the params as the body. User info never appears in the URL.
 */
export const requestTarget = (
  base: URL,
  verb: 'GET' | 'POST',
  endpoint: string,
  encoded: string,
): { url: string; body: string | null } => {
  const path = posix.join(base.pathname, endpoint);
  return verb === 'GET'
    ? { url: `${base.origin}${path}${encoded === '' ? '' : `?${encoded}`}`, body: null }
    : { url: `${base.origin}${path}${base.search}`, body: encoded };
};

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Default bound of a query answer: a few thousand samples take well under 1 MiB. */
export const MAX_QUERY_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body as text, or a `bad_response` error as soon as it passes `limit` bytes. */
const readLimited = async (
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<string> => {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      body.destroy();
      throw new PrometheusError('bad_response', `response larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
};

/**
 * The Prometheus HTTP client (upstream-behaviour: client): `/api/v1/series`, `/api/v1/query`, Go's
 * parameter encoding, the `--prometheus-*` auth flags, bounded keep-alive connections (undici
 * Agent + `request()`, redirects followed like Go's client). Throws PrometheusConfigError on bad
 * options; calls reject with PrometheusError.
 */
export const createPrometheusClient = (options: PrometheusClientOptions): HttpPrometheusClient => {
  const base = parseBase(options.baseUrl);
  const verb = checkVerb(options.verb ?? 'GET');
  const auth = buildPrometheusAuth(options);
  const fixedHeaders = baseHeaders(options.headers ?? {}, verb);
  const userAuth = hasAuthorization(fixedHeaders);
  const urlAuth =
    base.username === ''
      ? undefined
      : basicAuthHeader(decodeURIComponent(base.username), decodeURIComponent(base.password));
  const server = redacted(base, options.baseUrl);
  const clock = options.clock ?? (() => performance.now());
  const dispatcher = new Agent({
    connections: options.maxConnections ?? 16,
    keepAliveTimeout: 30_000,
    connect:
      auth.clientPair === undefined
        ? { ...auth.tls }
        : reloadingConnector(auth.tls, auth.clientPair),
  }).compose(interceptors.redirect({ maxRedirections: 10 }));

  const headersFor = async (): Promise<Record<string, string[]>> => {
    if (userAuth) return fixedHeaders;
    const value = urlAuth ?? (await auth.authorization?.());
    return value === undefined ? fixedHeaders : { ...fixedHeaders, Authorization: [value] };
  };

  const send = async (
    url: string,
    body: string | null,
    limits: { readonly timeoutMs: number | undefined; readonly signal: AbortSignal | undefined },
  ): Promise<Dispatcher.ResponseData> => {
    const { timeoutMs, signal } = limits;
    const signals = timeoutMs === undefined ? [] : [AbortSignal.timeout(timeoutMs)];
    if (signal !== undefined) signals.push(signal);
    try {
      return await request(url, {
        dispatcher,
        method: verb,
        headers: await headersFor(),
        body,
        ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
      });
    } catch (err) {
      throw new PrometheusError('transport', `${verb} ${JSON.stringify(url)}: ${errorText(err)}`, {
        cause: err,
      });
    }
  };

  /** One call; `decode` reads the body of a response that carries Prometheus' envelope. */
  const call = async <T>(
    endpoint: string,
    params: [string, string][],
    signal: AbortSignal | undefined,
    decode: (body: Dispatcher.ResponseData['body']) => Promise<T>,
  ): Promise<T> => {
    const { url, body } = requestTarget(base, verb, endpoint, encodeQuery(params));
    const started = clock();
    const timeoutMs = endpoint === SERIES_PATH ? options.seriesTimeoutMs : options.timeoutMs;
    const res = await send(url, body, { timeoutMs, signal });
    options.onRequest?.(verb, url, res.statusCode, clock() - started);
    const observe = () => options.observe?.(endpoint, server, (clock() - started) / 1000);
    if (!hasEnvelope(res.statusCode)) {
      await res.body.dump();
      observe();
      throw new PrometheusError('bad_response', `unknown response code ${res.statusCode}`);
    }
    let result: T;
    try {
      result = await decode(res.body);
    } catch (err) {
      if (!(err instanceof PrometheusError)) {
        throw new PrometheusError('transport', `reading response: ${errorText(err)}`, {
          cause: err,
        });
      }
      observe();
      throw err;
    }
    observe();
    return result;
  };

  return {
    series: async (match, start, signal) => {
      const params: [string, string][] = [['match[]', match]];
      if (start !== 0) params.push(['start', formatModelTime(start)]);
      return call(SERIES_PATH, params, signal, readSeriesBody);
    },
    query: async (promql, time, signal) => {
      const params: [string, string][] = [['query', promql]];
      if (time !== 0) params.push(['time', formatModelTime(time)]);
      return parseQueryResult(
        await call(QUERY_PATH, params, signal, async (b) =>
          decodeEnvelope(
            await readLimited(b, options.maxQueryResponseBytes ?? MAX_QUERY_RESPONSE_BYTES),
          ),
        ),
      );
    },
    close: () => dispatcher.close(),
  };
};
