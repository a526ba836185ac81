/**
 * Test support: the one test PKI, built with @peculiar/x509 (EC P-256, fast): CAs, intermediates and
 * client or server leaves with chosen CN/O, validity, basic constraints and key usages.
 */
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A certificate with its key, as PEM and as node's X509Certificate. */
export interface TestCert {
  readonly pem: string;
  readonly keyPem: string;
  readonly x509: X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly name: string;
}

export interface CertSpec {
  readonly cn: string;
  readonly o?: readonly string[];
  /** Issuer; self-signed when absent. */
  readonly issuer?: TestCert;
  readonly ca?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Key usage flags; CAs default to keyCertSign|cRLSign, leaves to digitalSignature. */
  readonly keyUsage?: number;
  /** Extended key usage OIDs; leaves default to clientAuth+serverAuth. `[]` omits the extension. */
  readonly eku?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
}

/** The key usage bits (import them from here: this module loads reflect-metadata first). */
export const KEY_USAGE = x509.KeyUsageFlags;

export const EKU = {
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

const escapeRdn = (v: string): string => v.replace(/([,+"\\<>;=])/g, '\\$1');

const subjectOf = (spec: CertSpec): string =>
  [`CN=${escapeRdn(spec.cn)}`, ...(spec.o ?? []).map((o) => `O=${escapeRdn(o)}`)].join(', ');

const extensionsFor = (
  spec: CertSpec,
  keys: webcrypto.CryptoKeyPair,
): Promise<x509.Extension[]> => {
  const ca = spec.ca ?? false;
  const usage =
    spec.keyUsage ??
    (ca
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
      : x509.KeyUsageFlags.digitalSignature);
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, undefined, true),
    // A bit set of KeyUsageFlags is a plain number by construction.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    new x509.KeyUsagesExtension(usage, true),
  ];
  const eku = spec.eku ?? (ca ? [] : [EKU.clientAuth, EKU.serverAuth]);
  if (eku.length > 0) exts.push(new x509.ExtendedKeyUsageExtension([...eku]));
  const names = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) exts.push(new x509.SubjectAlternativeNameExtension(names));
  return x509.SubjectKeyIdentifierExtension.create(keys.publicKey).then((ski) => [...exts, ski]);
};

const toPem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

/** Issues one certificate per `spec`. */
export const issue = async (spec: CertSpec): Promise<TestCert> => {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: subjectOf(spec),
    issuer: spec.issuer?.x509.subject.replace(/\n/g, ', ') ?? subjectOf(spec),
    notBefore: spec.notBefore ?? new Date(now - DAY),
    notAfter: spec.notAfter ?? new Date(now + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: spec.issuer?.keys.privateKey ?? keys.privateKey,
    signingAlgorithm: ALG,
    extensions: await extensionsFor(spec, keys),
  });
  const pem = cert.toString('pem');
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    pem,
    keyPem: toPem('PRIVATE KEY', keyDer),
    x509: new X509Certificate(pem),
    keys,
    name: spec.cn,
  };
};

/** A self-signed CA. */
export const issueCa = (cn: string, extra: Partial<CertSpec> = {}): Promise<TestCert> =>
  issue({ cn, ca: true, ...extra });

/** A certificate and its key, PEM-encoded (what TLS options and kubeconfig files take). */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** A CA with one server certificate (localhost, 127.0.0.1) and one client certificate. */
export interface TestPki {
  readonly ca: PemPair;
  readonly server: PemPair;
  readonly client: PemPair;
}

const pemPair = (c: TestCert): PemPair => ({ cert: c.pem, key: c.keyPem });

/** A throw-away PKI for TLS tests: a CA named `cn`, a server and a client certificate it signed. */
export const createTestPki = async (cn = 'test-ca'): Promise<TestPki> => {
  const ca = await issueCa(cn);
  const leaf = (name: string, eku: string) =>
    issue({ cn: name, issuer: ca, eku: [eku], dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  const [server, client] = await Promise.all([
    leaf('localhost', EKU.serverAuth),
    leaf('test-client', EKU.clientAuth),
  ]);
  return { ca: pemPair(ca), server: pemPair(server), client: pemPair(client) };
};
