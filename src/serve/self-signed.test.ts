import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../log.ts';
import { ensureServingCert, generateSelfSigned } from './self-signed.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const splitPem = (pem: string): X509Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map(
    (p) => new X509Certificate(p),
  );

describe('generateSelfSigned', () => {
  it('a CA-signed serving cert for the hosts, valid one year from an hour ago', async () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const pair = await generateSelfSigned(['localhost', '127.0.0.1'], now);
    const [leaf, ca] = splitPem(pair.cert);
    assert.ok(leaf && ca);
    assert.equal(leaf.subject, 'CN=localhost@1735689600');
    assert.equal(ca.subject, 'CN=localhost-ca@1735689600');
    assert.equal(leaf.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.equal(new Date(leaf.validFrom).toISOString(), '2024-12-31T23:00:00.000Z');
    assert.equal(new Date(leaf.validTo).toISOString(), '2025-12-31T23:00:00.000Z');
    assert.ok(leaf.checkPrivateKey(createPrivateKey(pair.key)));
  });
});

describe('ensureServingCert', () => {
  it('generates into cert-dir (key 0600) once, then reuses', async () => {
    const certDir = join(await mkdtemp(join(tmpdir(), 'self-signed-')), 'nested');
    dirs.push(certDir);
    const first = await ensureServingCert({ certDir, logger: silentLogger() });
    assert.deepEqual(first, {
      certFile: join(certDir, 'apiserver.crt'),
      keyFile: join(certDir, 'apiserver.key'),
      generated: true,
    });
    assert.equal((await stat(first.keyFile)).mode & 0o777, 0o600);
    const pem = await readFile(first.certFile, 'utf8');
    const second = await ensureServingCert({ certDir, logger: silentLogger() });
    assert.equal(second.generated, false);
    assert.equal(await readFile(second.certFile, 'utf8'), pem);
  });

  it('uses the flag files as given, and wants both', async () => {
    const given = await ensureServingCert({
      certDir: '/nonexistent',
      certFile: '/a.crt',
      keyFile: '/a.key',
      logger: silentLogger(),
    });
    assert.deepEqual(given, { certFile: '/a.crt', keyFile: '/a.key', generated: false });
    await assert.rejects(
      ensureServingCert({ certDir: '/nonexistent', certFile: '/a.crt', logger: silentLogger() }),
    );
  });
});
