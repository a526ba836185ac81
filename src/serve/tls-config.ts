/**
 * The serving TLS flags in Node terms: `--tls-min-version` (VersionTLS10…13, default TLS 1.2)
 * and `--tls-cipher-suites` (IANA names, as Go's crypto/tls spells them, mapped to OpenSSL
 * names). Like Go, the TLS 1.3 suites are not configurable: naming them is accepted and they
 * stay enabled whatever the list says.
 */
import type { SecureVersion } from 'node:tls';

const VERSIONS: Readonly<Record<string, SecureVersion>> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

/** IANA → OpenSSL, for the TLS 1.0–1.2 suites Go implements. */
const CIPHERS: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** Go's TLS 1.3 suites: accepted in the flag, always on. */
const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** A TLS flag value we cannot honour; the message is the upstream flag error. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
}

/** `--tls-min-version` → Node's minVersion; "" means TLS 1.2, the apiserver's floor. */
export const tlsMinVersion = (flag = ''): SecureVersion => {
  if (flag === '') return 'TLSv1.2';
  const version = VERSIONS[flag];
  if (version === undefined)
    throw new TlsConfigError(`unknown tls version ${JSON.stringify(flag)}`);
  return version;
};

/**
 * `--tls-cipher-suites` → Node's `ciphers` string, or undefined for Node's defaults when the
 * list is empty. The TLS 1.3 suites are appended so that naming only TLS 1.2 suites does not
 * switch TLS 1.3 off (Node would; Go does not).
 */
export const opensslCiphers = (names: readonly string[]): string | undefined => {
  if (names.length === 0) return undefined;
  const tls12 = names
    .filter((n) => !TLS13.includes(n))
    .map((n) => {
      const openssl = CIPHERS[n];
      if (openssl === undefined)
        throw new TlsConfigError(`Cipher suite ${n} not supported or doesn't exist`);
      return openssl;
    });
  return [...TLS13, ...new Set(tls12)].join(':');
};
