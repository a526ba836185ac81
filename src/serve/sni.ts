/**
 * `--tls-sni-cert-key cert,key[:name1,name2]`: extra serving certificates chosen by the TLS SNI
 * server name. Without explicit names a pair serves its certificate's DNS names and its CN
 * (component-base NamedCertKey). Exact names win over wildcards (`*.example.com` covers one
 * label); no match falls back to the default certificate. Each pair is reloaded when its files
 * change, like the default one.
 */
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from '../log.ts';
import { readKeyPair, startCertReloader, type CertReloader } from './cert-reloader.ts';
import type { CertKeyPem } from './self-signed.ts';

export interface SniCertKey {
  readonly certFile: string;
  readonly keyFile: string;
  /** Server names this pair serves; empty means the certificate's own names. */
  readonly names: readonly string[];
}

/** The certificate's DNS subject alternative names and CN, lowercased. */
export const certificateNames = (pem: string): string[] => {
  const cert = new X509Certificate(pem);
  const dns = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return [...new Set([...dns, ...(cn === undefined ? [] : [cn])].map((n) => n.toLowerCase()))];
};

/** Whether `pattern` (`host` or `*.domain`) covers `name`. */
export const nameMatches = (pattern: string, name: string): boolean => {
  if (!pattern.startsWith('*.')) return pattern === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot) === pattern.slice(1);
};

export interface SniContexts {
  /** The context for a client's server name, or undefined for the default certificate. */
  contextFor(serverName: string): SecureContext | undefined;
  stop(): void;
}

/** Loads every pair (failing fast on a bad one) and keeps them current. */
export const startSniContexts = async (
  pairs: readonly SniCertKey[],
  secure: (pair: CertKeyPem) => SecureContextOptions,
  options: { readonly intervalMs: number; readonly logger: Logger },
): Promise<SniContexts> => {
  const entries = await Promise.all(
    pairs.map(async (p) => {
      const pem = await readKeyPair(p);
      const names = (p.names.length > 0 ? p.names : certificateNames(pem.cert)).map((n) =>
        n.toLowerCase(),
      );
      return { names, context: createSecureContext(secure(pem)) };
    }),
  );
  const reloaders: CertReloader[] = await Promise.all(
    pairs.map((files, i) =>
      startCertReloader({
        files,
        intervalMs: options.intervalMs,
        logger: options.logger,
        apply: (pem) => {
          const entry = entries[i];
          if (entry !== undefined) entry.context = createSecureContext(secure(pem));
        },
      }),
    ),
  );
  const find = (name: string, exact: boolean) =>
    entries.find((e) =>
      e.names.some((p) => (exact ? p === name : p.startsWith('*.') && nameMatches(p, name))),
    );
  return {
    contextFor: (serverName) => {
      const name = serverName.toLowerCase();
      return (find(name, true) ?? find(name, false))?.context;
    },
    stop: () => {
      for (const r of reloaders) r.stop();
    },
  };
};
