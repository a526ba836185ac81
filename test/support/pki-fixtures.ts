/**
 * Throw-away PKI for TLS tests: a CA, a server cert for 127.0.0.1/localhost and a client cert,
 * all EC P-256, PEM-encoded. Test support only.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly ca: PemPair;
  readonly server: PemPair;
  readonly client: PemPair;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

interface Issued {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
}

const newKeys = async (): Promise<webcrypto.CryptoKeyPair> =>
  webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);

const toPem = async ({ cert, keys }: Issued): Promise<PemPair> => ({
  cert: cert.toString('pem'),
  key: x509.PemConverter.encode(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  ),
});

const selfSignedCa = async (cn: string): Promise<Issued> => {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  return { cert, keys };
};

const leaf = async (ca: Issued, cn: string, usage: x509.ExtendedKeyUsage): Promise<Issued> => {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${cn}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      new x509.ExtendedKeyUsageExtension([usage]),
    ],
  });
  return { cert, keys };
};

/** Creates a CA (named `cn`) with one server and one client certificate. */
export const createTestPki = async (cn = 'test-ca'): Promise<TestPki> => {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const ca = await selfSignedCa(cn);
  const server = await leaf(ca, 'localhost', x509.ExtendedKeyUsage.serverAuth);
  const client = await leaf(ca, 'test-client', x509.ExtendedKeyUsage.clientAuth);
  return { ca: await toPem(ca), server: await toPem(server), client: await toPem(client) };
};
