import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { basicAuthHeader, bearerFromFile, type FileSourceOptions } from './file-source.ts';
import type { SecretProvider } from './file-source.ts';

/**
 * Everything needed to talk to one server: where, which CA to trust, which client cert to show
 * and which `Authorization` header to send. PEM material is held in memory (read once).
 */
export interface ClusterConnection {
  readonly server: URL;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** `Authorization` header value (`Bearer …` or `Basic …`); token files are re-read on change. */
  readonly authorization?: SecretProvider | undefined;
  readonly insecure?: boolean | undefined;
  /** TLS server name to verify (kubeconfig `tls-server-name`). */
  readonly serverName?: string | undefined;
}

/** A kubeconfig or in-cluster setup that cannot be used. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

type Dict = Readonly<Record<string, unknown>>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (d: Dict, key: string): string | undefined => {
  const v = d[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const findNamed = (doc: Dict, list: string, field: string, name: string): Dict => {
  const items = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const item = items.find((i) => isDict(i) && i['name'] === name);
  const value = isDict(item) ? item[field] : undefined;
  if (!isDict(value)) throw new KubeconfigError(`${field} "${name}" not found in kubeconfig`);
  return value;
};

/** Reads `<key>-data` (base64) or the file `<key>` (relative to the kubeconfig's directory). */
const pem = (d: Dict, key: string, dir: string): string | undefined => {
  const data = str(d, `${key}-data`);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(d, key);
  return file === undefined ? undefined : readFileSync(resolvePath(dir, file), 'utf8');
};

const resolvePath = (dir: string, file: string): string =>
  isAbsolute(file) ? file : join(dir, file);

const authorizationFor = (
  user: Dict,
  dir: string,
  options: FileSourceOptions,
): SecretProvider | undefined => {
  if (isDict(user['exec']) || isDict(user['auth-provider'])) {
    throw new KubeconfigError('exec and auth-provider credential plugins are not supported');
  }
  const tokenFile = str(user, 'tokenFile');
  const token = str(user, 'token');
  const username = str(user, 'username');
  const hasToken = tokenFile !== undefined || token !== undefined;
  if (hasToken && username !== undefined) {
    throw new KubeconfigError('username/password or bearer token may be set, but not both');
  }
  if (tokenFile !== undefined) return bearerFromFile(resolvePath(dir, tokenFile), options);
  if (token !== undefined) return () => Promise.resolve(`Bearer ${token}`);
  if (username === undefined) return undefined;
  const header = basicAuthHeader(username, str(user, 'password') ?? '');
  return () => Promise.resolve(header);
};

const connectionFrom = (doc: Dict, dir: string, options: FileSourceOptions): ClusterConnection => {
  const contextName = str(doc, 'current-context');
  if (contextName === undefined) throw new KubeconfigError('kubeconfig has no current-context');
  const context = findNamed(doc, 'contexts', 'context', contextName);
  const cluster = findNamed(doc, 'clusters', 'cluster', str(context, 'cluster') ?? '');
  const userName = str(context, 'user');
  const user = userName === undefined ? {} : findNamed(doc, 'users', 'user', userName);
  const server = str(cluster, 'server');
  if (server === undefined) throw new KubeconfigError(`cluster has no server`);
  const ca = pem(cluster, 'certificate-authority', dir);
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  if (insecure && ca !== undefined) {
    throw new KubeconfigError(
      'specifying a root certificates file with the insecure flag is not allowed',
    );
  }
  return {
    server: new URL(server),
    ca,
    cert: pem(user, 'client-certificate', dir),
    key: pem(user, 'client-key', dir),
    authorization: authorizationFor(user, dir, options),
    insecure,
    serverName: str(cluster, 'tls-server-name'),
  };
};

/**
 * Loads the current context of a kubeconfig file (synchronously; for startup). Supports cluster
 * `server`, `certificate-authority(-data)`, `insecure-skip-tls-verify`, `tls-server-name` and
 * user `client-certificate(-data)`, `client-key(-data)`, `token`, `tokenFile`, `username`/
 * `password`. Relative paths are resolved against the kubeconfig's directory. Throws
 * KubeconfigError (with the I/O or YAML error as cause) on anything unusable.
 */
export const loadKubeconfig = (
  path: string,
  options: FileSourceOptions = {},
): ClusterConnection => {
  try {
    const doc: unknown = parse(readFileSync(path, 'utf8'));
    if (!isDict(doc)) throw new KubeconfigError('kubeconfig is not a YAML mapping');
    return connectionFrom(doc, dirname(path), options);
  } catch (err) {
    if (err instanceof KubeconfigError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new KubeconfigError(`unable to load kubeconfig ${path}: ${message}`, { cause: err });
  }
};

/** Where the in-cluster service-account material lives; injectable for tests. */
export interface InClusterOptions extends FileSourceOptions {
  /** Default `/var/run/secrets/kubernetes.io/serviceaccount`. */
  readonly serviceAccountDir?: string;
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * client-go's InClusterConfig: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, the
 * service-account token (re-read when it rotates) and `ca.crt`. Throws KubeconfigError when not
 * in a cluster or when the token or CA cannot be read.
 */
export const inClusterConfig = (options: InClusterOptions = {}): ClusterConnection => {
  const env = options.env ?? process.env;
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
  if (host === '' || port === '') {
    throw new KubeconfigError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  }
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  try {
    const authorization = bearerFromFile(join(dir, 'token'), options);
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return { server: new URL(`https://${hostPort}`), ca, authorization };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new KubeconfigError(`unable to load in-cluster configuration: ${message}`, {
      cause: err,
    });
  }
};
