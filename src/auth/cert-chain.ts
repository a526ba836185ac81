/**
 * Client-certificate chain verification against one CA bundle, in code, so the front-proxy CA
 * and the client CA stay separate trust roots (the TLS layer only requests certificates).
 * Pure: the time is an argument.
 */
import { X509Certificate } from 'node:crypto';

/** A parsed CA bundle. Immutable; a new object means new content (rotation). */
export interface CaPool {
  readonly pem: string;
  readonly certs: readonly X509Certificate[];
}

/** The subject fields the authenticators use. */
export interface CertSubject {
  readonly commonName: string;
  readonly organizations: readonly string[];
}

/** The result of verifying a peer chain against one pool. */
export type ChainVerdict =
  | {
      readonly ok: true;
      readonly subject: CertSubject;
      /** Earliest expiry (ms) along the verified path. */
      readonly notAfter: number;
    }
  | { readonly ok: false; readonly reason: string };

/** A CA bundle without certificates, or with one that does not parse. */
export class CaBundleError extends Error {
  override readonly name = 'CaBundleError';
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';
const MAX_DEPTH = 8;

/** Parses every certificate of a PEM bundle; throws CaBundleError when there is none. */
export const parseCaBundle = (pem: string, source: string): CaPool => {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new CaBundleError(`${source}: no certificates found`);
  try {
    return Object.freeze({ pem, certs: Object.freeze(blocks.map((b) => new X509Certificate(b))) });
  } catch (err) {
    throw new CaBundleError(`${source}: invalid certificate: ${(err as Error).message}`, {
      cause: err,
    });
  }
};

const notBefore = (c: X509Certificate): number => Date.parse(c.validFrom);
const notAfter = (c: X509Certificate): number => Date.parse(c.validTo);
const validAt = (c: X509Certificate, now: number): boolean =>
  notBefore(c) <= now && now <= notAfter(c);

/** Go's ExtKeyUsage check: no EKU extension allows anything; otherwise clientAuth or any. */
const allowsClientAuth = (c: X509Certificate): boolean => {
  const eku = c.keyUsage as readonly string[] | undefined;
  return eku === undefined || eku.includes(EKU_CLIENT_AUTH) || eku.includes(EKU_ANY);
};

/** `parent` is a CA whose name, key identifiers and key usage match, and whose key signed `child`. */
const issuedBy = (child: X509Certificate, parent: X509Certificate, now: number): boolean =>
  parent.ca &&
  validAt(parent, now) &&
  allowsClientAuth(parent) &&
  child.checkIssued(parent) &&
  child.verify(parent.publicKey);

const subjectOf = (c: X509Certificate): CertSubject => {
  const subject = c.toLegacyObject().subject as unknown as Readonly<
    Record<string, string | string[] | undefined>
  >;
  const list = (v: string | string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  const cns = list(subject['CN']);
  return { commonName: cns[cns.length - 1] ?? '', organizations: list(subject['O']) };
};

const describe = (c: X509Certificate): string => `"${subjectOf(c).commonName}"`;

/**
 * Walks leaf → intermediates until a pool certificate issued the current one; returns the
 * earliest expiry along that path, or undefined when the chain does not reach the pool.
 */
const chainToPool = (
  chain: readonly X509Certificate[],
  pool: CaPool,
  now: number,
): number | undefined => {
  const [leaf, ...unused] = chain;
  if (leaf === undefined) return undefined;
  if (pool.certs.some((root) => root.raw.equals(leaf.raw))) return notAfter(leaf);
  let current = leaf;
  let expiry = notAfter(leaf);
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const child = current;
    const root = pool.certs.find((candidate) => issuedBy(child, candidate, now));
    if (root !== undefined) return Math.min(expiry, notAfter(root));
    const index = unused.findIndex((candidate) => issuedBy(child, candidate, now));
    const next = unused[index];
    if (next === undefined) return undefined;
    unused.splice(index, 1);
    expiry = Math.min(expiry, notAfter(next));
    current = next;
  }
  return undefined;
};

/**
 * Verifies a peer chain (leaf first, then the intermediates the client sent) against `pool`:
 * validity dates at `now`, CA basic constraints, key usage, signatures and the clientAuth
 * extended key usage, as Go's `x509.Certificate.Verify` with `KeyUsages: [ClientAuth]`.
 */
export const verifyChain = (
  chain: readonly X509Certificate[],
  pool: CaPool,
  now: number,
): ChainVerdict => {
  const leaf = chain[0];
  if (leaf === undefined) return { ok: false, reason: 'no client certificate' };
  if (!validAt(leaf, now)) {
    const when = new Date(now).toISOString();
    return {
      ok: false,
      reason: `x509: certificate ${describe(leaf)} has expired or is not yet valid: current time ${when} is outside ${leaf.validFrom} – ${leaf.validTo}`,
    };
  }
  if (!allowsClientAuth(leaf)) {
    return {
      ok: false,
      reason: `x509: certificate ${describe(leaf)} specifies an incompatible key usage`,
    };
  }
  const expiry = chainToPool(chain, pool, now);
  if (expiry === undefined) {
    return { ok: false, reason: `x509: certificate ${describe(leaf)} signed by unknown authority` };
  }
  return { ok: true, subject: subjectOf(leaf), notAfter: expiry };
};
