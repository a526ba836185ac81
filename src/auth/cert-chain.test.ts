import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaBundleError, parseCaBundle, verifyChain, type CaPool } from './cert-chain.ts';
import { EKU, issue, issueCa, KEY_USAGE, type TestCert } from '../../test/support/pki.ts';

const DAY = 86_400_000;

interface Fixture {
  readonly clientPool: CaPool;
  readonly proxyPool: CaPool;
  readonly certs: Readonly<Record<string, readonly TestCert[]>>;
}

const build = async (): Promise<Fixture> => {
  const clientCa = await issueCa('client-ca');
  const proxyCa = await issueCa('front-proxy-ca');
  const otherCa = await issueCa('other-ca');
  const inter = await issueCa('intermediate', { issuer: clientCa });
  const notCa = await issue({
    cn: 'not-a-ca',
    issuer: clientCa,
    keyUsage: KEY_USAGE.keyEncipherment | KEY_USAGE.keyCertSign,
  });
  const now = Date.now();
  const chains: Record<string, TestCert[]> = {
    alice: [await issue({ cn: 'alice', o: ['dev', 'ops'], issuer: clientCa })],
    proxy: [await issue({ cn: 'front-proxy-client', issuer: proxyCa })],
    other: [await issue({ cn: 'alice', issuer: otherCa })],
    expired: [
      await issue({
        cn: 'old',
        issuer: clientCa,
        notBefore: new Date(now - 9 * DAY),
        notAfter: new Date(now - DAY),
      }),
    ],
    future: [await issue({ cn: 'soon', issuer: clientCa, notBefore: new Date(now + DAY) })],
    codeSigning: [await issue({ cn: 'signer', issuer: clientCa, eku: [EKU.codeSigning] })],
    noEku: [await issue({ cn: 'plain', issuer: clientCa, eku: [] })],
    viaInter: [await issue({ cn: 'bob', issuer: inter }), inter],
    viaInterMissing: [await issue({ cn: 'bob', issuer: inter })],
    viaNotCa: [await issue({ cn: 'mallory', issuer: notCa }), notCa],
    caItself: [clientCa],
    none: [],
  };
  return {
    clientPool: parseCaBundle(clientCa.pem, 'client'),
    proxyPool: parseCaBundle(proxyCa.pem, 'proxy'),
    certs: chains,
  };
};

describe('verifyChain', () => {
  let f: Fixture;
  before(async () => {
    f = await build();
  });

  const cases: readonly {
    name: string;
    chain: string;
    pool: 'client' | 'proxy';
    want: { cn: string; o: readonly string[] } | RegExp;
  }[] = [
    {
      name: 'leaf of the pool CA',
      chain: 'alice',
      pool: 'client',
      want: { cn: 'alice', o: ['dev', 'ops'] },
    },
    {
      name: 'client-CA cert against the proxy pool',
      chain: 'alice',
      pool: 'proxy',
      want: /unknown authority/,
    },
    {
      name: 'proxy cert against the client pool',
      chain: 'proxy',
      pool: 'client',
      want: /unknown authority/,
    },
    {
      name: 'proxy cert against the proxy pool',
      chain: 'proxy',
      pool: 'proxy',
      want: { cn: 'front-proxy-client', o: [] },
    },
    { name: 'cert of an unknown CA', chain: 'other', pool: 'client', want: /unknown authority/ },
    { name: 'expired', chain: 'expired', pool: 'client', want: /expired or is not yet valid/ },
    { name: 'not yet valid', chain: 'future', pool: 'client', want: /expired or is not yet valid/ },
    {
      name: 'EKU without clientAuth',
      chain: 'codeSigning',
      pool: 'client',
      want: /incompatible key usage/,
    },
    {
      name: 'no EKU at all is accepted',
      chain: 'noEku',
      pool: 'client',
      want: { cn: 'plain', o: [] },
    },
    {
      name: 'intermediate sent by the client',
      chain: 'viaInter',
      pool: 'client',
      want: { cn: 'bob', o: [] },
    },
    {
      name: 'intermediate missing',
      chain: 'viaInterMissing',
      pool: 'client',
      want: /unknown authority/,
    },
    { name: 'issuer is not a CA', chain: 'viaNotCa', pool: 'client', want: /unknown authority/ },
    {
      name: 'the CA certificate itself',
      chain: 'caItself',
      pool: 'client',
      want: { cn: 'client-ca', o: [] },
    },
    { name: 'no certificate', chain: 'none', pool: 'client', want: /no client certificate/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chain = (f.certs[c.chain] ?? []).map((t) => t.x509);
      const verdict = verifyChain(
        chain,
        c.pool === 'client' ? f.clientPool : f.proxyPool,
        Date.now(),
      );
      if (c.want instanceof RegExp) {
        assert.equal(verdict.ok, false);
        assert.match(verdict.ok ? '' : verdict.reason, c.want);
      } else {
        assert.ok(verdict.ok, verdict.ok ? '' : verdict.reason);
        assert.deepEqual(
          { cn: verdict.subject.commonName, o: verdict.subject.organizations },
          c.want,
        );
      }
    });
  }

  it('a valid chain fails once the clock passes its expiry', () => {
    const chain = (f.certs['alice'] ?? []).map((t) => t.x509);
    const ok = verifyChain(chain, f.clientPool, Date.now());
    assert.ok(ok.ok);
    assert.equal(verifyChain(chain, f.clientPool, ok.notAfter + 1000).ok, false);
  });
});

describe('parseCaBundle', () => {
  it('reads every certificate of a bundle', async () => {
    const a = await issueCa('a');
    const b = await issueCa('b');
    const pool = parseCaBundle(`# comment\n${a.pem}\n${b.pem}`, 'bundle');
    assert.deepEqual(
      pool.certs.map((c) => c.subject),
      ['CN=a', 'CN=b'],
    );
  });
  it('rejects a bundle without certificates or with a broken one', () => {
    assert.throws(() => parseCaBundle('nothing here', 'x'), CaBundleError);
    assert.throws(
      () => parseCaBundle('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'x'),
      CaBundleError,
    );
  });
});
