import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { clientPairSource, type ClientPair } from './client-cert.ts';
import {
  basicAuthHeader,
  bearerFromFile,
  createFileSource,
  type FileSourceOptions,
  type SecretProvider,
} from '../kubernetes/file-source.ts';
import {
  inClusterConfig,
  loadKubeconfig,
  type InClusterOptions,
} from '../kubernetes/kubeconfig.ts';
import { tlsOptionsFor, type TlsOptions } from '../kubernetes/tls-options.ts';
import { PrometheusConfigError } from './errors.ts';

/** The TLS and credential flags (upstream-behaviour: flags), plus the new basic-auth file. */
export interface PrometheusAuthOptions {
  /** `--prometheus-ca-file`: when set, kubeconfig/in-cluster auth is ignored entirely. */
  readonly caFile?: string | undefined;
  /** `--prometheus-client-tls-cert-file` / `-key-file`: used only with caFile, both required. */
  readonly clientCertFile?: string | undefined;
  readonly clientKeyFile?: string | undefined;
  /** `--prometheus-token-file`: `Authorization: Bearer <trimmed content>`, re-read on change. */
  readonly tokenFile?: string | undefined;
  /** `--prometheus-basic-auth-file`: `user:password` or user and password on two lines. */
  readonly basicAuthFile?: string | undefined;
  /** `--prometheus-auth-config`: kubeconfig whose CA, client cert and credentials are used. */
  readonly authConfig?: string | undefined;
  /** `--prometheus-auth-incluster`: the pod's service-account token and CA. */
  readonly inCluster?: boolean | undefined;
  readonly inClusterOptions?: InClusterOptions | undefined;
  /** Clock and re-check interval for the re-read credential files. */
  readonly fileOptions?: FileSourceOptions | undefined;
}

/** TLS options for the connection and the Authorization header to add (if any). */
export interface PrometheusAuth {
  readonly tls: TlsOptions;
  readonly authorization: SecretProvider | undefined;
  /** The client cert/key of `--prometheus-client-tls-*`, re-read when the files change. */
  readonly clientPair?: () => Promise<ClientPair>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const fail = (text: string, cause?: unknown): never => {
  throw new PrometheusConfigError(text, cause === undefined ? undefined : { cause });
};

const read = (path: string, what: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(`failed to read ${what}: ${message(err)}`, err);
  }
};

/** The parseable certificates of a PEM bundle (Go's AppendCertsFromPEM skips bad blocks). */
const pemCertificates = (pem: string): string[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).filter(
    (block) => {
      try {
        new X509Certificate(block);
        return true;
      } catch {
        return false;
      }
    },
  );

const caFileTls = (options: PrometheusAuthOptions, caFile: string): TlsOptions => {
  const ca = pemCertificates(read(caFile, 'prometheus-ca-file'));
  if (ca.length === 0) fail('no certs found in prometheus-ca-file');
  const { clientCertFile: certFile = '', clientKeyFile: keyFile = '' } = options;
  if (certFile === '' || keyFile === '') return { ca, minVersion: 'TLSv1.2' };
  try {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    createSecureContext({ cert, key });
    return { ca, cert, key, minVersion: 'TLSv1.2' };
  } catch (err) {
    return fail(`failed to read TLS key pair: ${message(err)}`, err);
  }
};

/** Only with the CA file, as upstream: the client pair, kept current. */
const clientPairOf = (options: PrometheusAuthOptions): Pick<PrometheusAuth, 'clientPair'> => {
  const { clientCertFile: certFile = '', clientKeyFile: keyFile = '', fileOptions = {} } = options;
  if (certFile === '' || keyFile === '') return {};
  return { clientPair: clientPairSource({ certFile, keyFile }, fileOptions) };
};

const kubeAuth = (options: PrometheusAuthOptions): PrometheusAuth => {
  const { authConfig = '', inCluster = false, fileOptions = {} } = options;
  if (inCluster && authConfig !== '') {
    fail('may not use both in-cluster auth and an explicit kubeconfig at the same time');
  }
  if (!inCluster && authConfig === '') return { tls: {}, authorization: undefined };
  try {
    const conn =
      authConfig !== ''
        ? loadKubeconfig(authConfig, fileOptions)
        : inClusterConfig({ ...fileOptions, ...options.inClusterOptions });
    return { tls: tlsOptionsFor(conn), authorization: conn.authorization };
  } catch (err) {
    const what =
      authConfig !== ''
        ? `auth configuration from ${JSON.stringify(authConfig)}`
        : 'in-cluster auth configuration';
    return fail(`unable to construct ${what} for connecting to Prometheus: ${message(err)}`, err);
  }
};

/** Parses a basic-auth file: `user:password` on one line, or user and password on two lines. */
const parseBasicAuthFile = (text: string): string => {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length >= 2) return basicAuthHeader(lines[0] ?? '', lines[1] ?? '');
  const line = lines[0] ?? '';
  const colon = line.indexOf(':');
  if (colon < 0) throw new Error('expected user:password');
  return basicAuthHeader(line.slice(0, colon), line.slice(colon + 1));
};

const fileAuth = (options: PrometheusAuthOptions): SecretProvider | undefined => {
  const { tokenFile = '', basicAuthFile = '', fileOptions = {} } = options;
  if (tokenFile !== '' && basicAuthFile !== '') {
    fail('--prometheus-token-file and --prometheus-basic-auth-file are mutually exclusive');
  }
  try {
    if (tokenFile !== '') return bearerFromFile(tokenFile, fileOptions);
    if (basicAuthFile !== '')
      return createFileSource(basicAuthFile, parseBasicAuthFile, fileOptions);
  } catch (err) {
    const flag = tokenFile !== '' ? 'prometheus-token-file' : 'prometheus-basic-auth-file';
    fail(`failed to read ${flag}: ${message(err)}`, err);
  }
  return undefined;
};

/**
 * Resolves TLS and credentials with upstream precedence: the CA file (plus optional client cert)
 * wins over kubeconfig / in-cluster auth; the token or basic-auth file wins over kubeconfig
 * credentials. Reads every file now (startup) and throws PrometheusConfigError with upstream's
 * messages (`no certs found in prometheus-ca-file`, …).
 */
export const buildPrometheusAuth = (options: PrometheusAuthOptions): PrometheusAuth => {
  const caFile = options.caFile ?? '';
  const base =
    caFile !== ''
      ? { tls: caFileTls(options, caFile), authorization: undefined, ...clientPairOf(options) }
      : kubeAuth(options);
  return { ...base, authorization: fileAuth(options) ?? base.authorization };
};
