/**
 * Serving certificates when none are given: as the generic apiserver does, reuse
 * `<cert-dir>/apiserver.{crt,key}` when readable, else generate a self-signed CA
 * (`<host>-ca@<unix>`) and a serving certificate for localhost/127.0.0.1 signed by it, valid
 * one year, and write them there (key mode 0600). EC P-256 via @peculiar/x509 + WebCrypto.
 * The library (and reflect-metadata) is loaded only when a certificate is generated: an adapter
 * given its certificates (the chart, the walkthrough) never holds it in memory (about 15 MB).
 */
import { webcrypto } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import type { Logger } from '../log.ts';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

type KeyPair = webcrypto.CryptoKeyPair;

/** A certificate and its private key, PEM encoded. */
export interface CertKeyPem {
  readonly cert: string;
  readonly key: string;
}

export interface SelfSigned extends CertKeyPem {
  /** The CA that signed `cert` (also appended to `cert`, as upstream writes the chain). */
  readonly ca: CertKeyPem;
}

type X509Module = typeof X509;

const loadX509 = async (): Promise<X509Module> => {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
};

const newKeys = async (): Promise<KeyPair> =>
  await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);

const keyPem = async (x509: X509Module, keys: KeyPair): Promise<string> =>
  x509.PemConverter.encode(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  );

const serial = (): string =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '7');

const sanFor = (x509: X509Module, hosts: readonly string[]): X509.SubjectAlternativeNameExtension =>
  new x509.SubjectAlternativeNameExtension(
    hosts.map((h) => ({ type: isIP(h) === 0 ? 'dns' : 'ip', value: h })),
  );

/**
 * A CA plus a serving certificate for `hosts` (DNS names and IPs), both valid from an hour
 * before `now` for one year. The first host names the subjects (`localhost@<unix>`).
 */
export const generateSelfSigned = async (
  hosts: readonly string[],
  now = new Date(),
): Promise<SelfSigned> => {
  const x509 = await loadX509();
  const host = hosts[0] ?? 'localhost';
  const unix = Math.floor(now.getTime() / 1000);
  const notBefore = new Date(now.getTime() - HOUR_MS);
  const notAfter = new Date(notBefore.getTime() + YEAR_MS);
  const caKeys = await newKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${host}-ca@${unix}`,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = await newKeys();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${host}@${unix}`,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      sanFor(x509, hosts),
    ],
  });
  const caPem = caCert.toString('pem');
  return {
    cert: `${leaf.toString('pem')}\n${caPem}\n`,
    key: await keyPem(x509, leafKeys),
    ca: { cert: `${caPem}\n`, key: await keyPem(x509, caKeys) },
  };
};

export interface ServingCertOptions {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly certDir: string;
  readonly hosts?: readonly string[];
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface ServingCertFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** True when this call generated them. */
  readonly generated: boolean;
}

const readable = async (path: string): Promise<boolean> =>
  access(path, constants.R_OK).then(
    () => true,
    () => false,
  );

/**
 * The cert/key files to serve with: the flags when both are given (one alone is an error),
 * else `<certDir>/apiserver.crt|.key`, generated when they are not both readable.
 */
export const ensureServingCert = async (options: ServingCertOptions): Promise<ServingCertFiles> => {
  const { certFile, keyFile } = options;
  if (certFile !== undefined && certFile !== '' && keyFile !== undefined && keyFile !== '') {
    return { certFile, keyFile, generated: false };
  }
  if ((certFile ?? '') !== '' || (keyFile ?? '') !== '') {
    throw new Error('--tls-cert-file and --tls-private-key-file must be given together');
  }
  const files = {
    certFile: join(options.certDir, 'apiserver.crt'),
    keyFile: join(options.certDir, 'apiserver.key'),
  };
  if ((await readable(files.certFile)) && (await readable(files.keyFile)))
    return { ...files, generated: false };
  const pair = await generateSelfSigned(
    options.hosts ?? ['localhost', '127.0.0.1'],
    options.now?.(),
  );
  await mkdir(options.certDir, { recursive: true, mode: 0o755 });
  await writeFile(files.certFile, pair.cert, { mode: 0o644 });
  await writeFile(files.keyFile, pair.key, { mode: 0o600 });
  options.logger.info(`Generated self-signed cert (${files.certFile}, ${files.keyFile})`);
  return { ...files, generated: true };
};
