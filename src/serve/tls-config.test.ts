import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSecureContext } from 'node:tls';
import { opensslCiphers, TlsConfigError, tlsMinVersion } from './tls-config.ts';

describe('tlsMinVersion', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'TLSv1.2'],
    ['', 'TLSv1.2'],
    ['VersionTLS10', 'TLSv1'],
    ['VersionTLS11', 'TLSv1.1'],
    ['VersionTLS12', 'TLSv1.2'],
    ['VersionTLS13', 'TLSv1.3'],
  ];
  for (const [flag, want] of cases) {
    it(`${String(flag)} → ${want}`, () => {
      assert.equal(tlsMinVersion(flag), want);
    });
  }
  it('rejects unknown names with the flag error', () => {
    assert.throws(
      () => tlsMinVersion('TLS1.2'),
      new TlsConfigError('unknown tls version "TLS1.2"'),
    );
  });
});

describe('opensslCiphers', () => {
  it('is undefined (Node defaults) for an empty list', () => {
    assert.equal(opensslCiphers([]), undefined);
  });

  it('maps IANA names, keeps TLS 1.3 suites on, and ignores TLS 1.3 names', () => {
    assert.equal(
      opensslCiphers([
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_AES_128_GCM_SHA256',
        'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
        'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
      ]),
      'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:' +
        'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305',
    );
  });

  it('the upstream deploy list is accepted by OpenSSL', () => {
    const ciphers = opensslCiphers([
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
      'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
      'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_RSA_WITH_AES_128_CBC_SHA',
      'TLS_RSA_WITH_AES_256_CBC_SHA',
    ]);
    assert.doesNotThrow(() => createSecureContext({ ciphers: ciphers ?? '' }));
  });

  it('rejects unknown suites with the flag error', () => {
    assert.throws(
      () => opensslCiphers(['TLS_FOO']),
      new TlsConfigError("Cipher suite TLS_FOO not supported or doesn't exist"),
    );
  });
});
