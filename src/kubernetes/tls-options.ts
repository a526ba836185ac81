import type { SecureVersion } from 'node:tls';
import type { ClusterConnection } from './kubeconfig.ts';

/** The subset of `tls.connect` options our HTTP clients set (undici `connect` option). */
export interface TlsOptions {
  readonly ca?: string | string[];
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
  readonly minVersion?: SecureVersion;
}

/**
 * TLS options for a ClusterConnection: its CA (else Node's bundled roots), client cert + key
 * (only when both are present), `insecure-skip-tls-verify` and `tls-server-name`.
 */
export const tlsOptionsFor = (conn: ClusterConnection): TlsOptions => {
  const clientCert =
    conn.cert !== undefined && conn.key !== undefined ? { cert: conn.cert, key: conn.key } : {};
  return {
    ...(conn.ca === undefined ? {} : { ca: conn.ca }),
    ...clientCert,
    ...(conn.insecure === true ? { rejectUnauthorized: false } : {}),
    ...(conn.serverName === undefined ? {} : { servername: conn.serverName }),
  };
};
