import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';

/** Where and how to reach the apiserver: base URL and PEM material for mutual TLS. */
export interface Connection {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** A non-2xx answer from the apiserver; `status` is the HTTP code, `body` the raw text (a Status). */
export class KubeApiError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(message: string, status: number, body: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeApiError';
    this.status = status;
    this.body = body;
  }
}

/** One event of a watch stream. */
export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

/** The few apiserver calls the node agent makes: JSON requests and NDJSON watches. */
export interface KubeClient {
  /** Sends `body` as JSON (or with `contentType`, e.g. a merge patch); resolves with the parsed answer. */
  request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Streams watch events of `path` to `onEvent` until the server ends the stream or `signal` aborts. */
  watch<T>(path: string, onEvent: (e: WatchEvent<T>) => void, signal: AbortSignal): Promise<void>;
}

interface KubeconfigFile {
  clusters?: { name: string; cluster: Record<string, string> }[];
  users?: { name: string; user: Record<string, string> }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  'current-context'?: string;
}

const material = (entry: Record<string, string>, field: string): string => {
  const data = entry[`${field}-data`];
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = entry[field];
  if (file === undefined) throw new Error(`kubeconfig: missing ${field}`);
  return readFileSync(file, 'utf8');
};

/** Reads the current context of a client-certificate kubeconfig (the kind pki.sh writes). */
export const loadKubeconfig = (path: string): Connection => {
  const doc = parseYaml(readFileSync(path, 'utf8')) as KubeconfigFile;
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (cluster?.server === undefined || user === undefined) {
    throw new Error(`kubeconfig ${path}: current context incomplete`);
  }
  return {
    server: cluster.server,
    ca: material(cluster, 'certificate-authority'),
    cert: material(user, 'client-certificate'),
    key: material(user, 'client-key'),
  };
};

const readAll = async (res: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** A KubeClient over node:https with keep-alive and the connection's client certificate. */
export const createKubeClient = (conn: Connection): KubeClient => {
  const agent = new Agent({ keepAlive: true, ca: conn.ca, cert: conn.cert, key: conn.key });
  const open = (
    method: string,
    path: string,
    body: string | undefined,
    contentType: string,
    signal?: AbortSignal,
  ) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) {
        // Explicit length: node sends a DELETE body without one, and the apiserver would not read it.
        headers['content-type'] = contentType;
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = httpsRequest(
        new URL(path, conn.server),
        { method, agent, headers, ...(signal ? { signal } : {}) },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  const failure = async (method: string, path: string, res: IncomingMessage) => {
    const text = await readAll(res);
    const detail =
      (JSON.parse(text.startsWith('{') ? text : '{}') as { message?: string }).message ??
      text.slice(0, 200);
    return new KubeApiError(
      `${method} ${path}: HTTP ${res.statusCode ?? 0}: ${detail}`,
      res.statusCode ?? 0,
      text,
    );
  };
  return {
    request: async <T>(
      method: string,
      path: string,
      body?: unknown,
      contentType = 'application/json',
    ) => {
      const res = await open(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        contentType,
      );
      if ((res.statusCode ?? 0) >= 300) throw await failure(method, path, res);
      const text = await readAll(res);
      return (text === '' ? {} : JSON.parse(text)) as T;
    },
    watch: async <T>(path: string, onEvent: (e: WatchEvent<T>) => void, signal: AbortSignal) => {
      const res = await open('GET', path, undefined, '', signal);
      if ((res.statusCode ?? 0) >= 300) throw await failure('GET', path, res);
      let buffered = '';
      try {
        for await (const chunk of res) {
          buffered += (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line !== '') onEvent(JSON.parse(line) as WatchEvent<T>);
          }
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    },
  };
};

/** True for an apiserver "not found" answer. */
export const isNotFound = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 404;
/** True for an apiserver "already exists"/conflict answer. */
export const isConflict = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 409;
