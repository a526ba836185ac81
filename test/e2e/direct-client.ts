/**
 * Requests sent straight to an adapter pod (its IP, port 6443), bypassing the kube-apiserver's
 * aggregator: with a bearer token, a client certificate (acting as a front proxy) or nothing.
 */
import { request } from 'node:https';

/** A PEM certificate and its key. */
export interface CertKey {
  readonly cert: string;
  readonly key: string;
}

/** Where the adapter listens and how to trust it (its serving CA, for the name in its cert). */
export interface AdapterTarget {
  readonly host: string;
  readonly port: number;
  readonly servername: string;
  readonly ca: string;
}

/** One request's credentials; all optional (none at all is an anonymous request). */
export interface Credentials {
  readonly token?: string;
  readonly clientCert?: CertKey;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The reply: status code, raw body, and the body parsed as JSON when it is JSON. */
export interface DirectReply {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

/** A metav1.Status as the adapter writes it (upstream-behaviour: errors). */
export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly code: number;
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * GETs `path` on a fresh TLS connection (no keep-alive: every request is authenticated from
 * scratch, so a rotated CA or a revoked token shows on the next call). Rejects on network
 * errors and after `timeoutMs` (default 5 s).
 */
export const directGet = (
  target: AdapterTarget,
  path: string,
  creds: Credentials = {},
  timeoutMs = 5000,
): Promise<DirectReply> =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', ...creds.headers };
    if (creds.token !== undefined) headers['authorization'] = `Bearer ${creds.token}`;
    const req = request(
      {
        host: target.host,
        port: target.port,
        servername: target.servername,
        ca: target.ca,
        path,
        headers,
        agent: false,
        timeout: timeoutMs,
        ...(creds.clientCert === undefined ? {} : creds.clientCert),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: parsed(text) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
