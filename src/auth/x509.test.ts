import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaPool, ChainVerdict } from './cert-chain.ts';
import { authenticateClientCert } from './x509.ts';

const pool: CaPool = { pem: '', certs: [] };
const certs = (verdict: ChainVerdict | undefined) => ({
  present: verdict !== undefined,
  verify: () => verdict ?? { ok: false as const, reason: 'none' },
});

describe('authenticateClientCert', () => {
  const cases: readonly {
    name: string;
    pool: CaPool | undefined;
    verdict: ChainVerdict | undefined;
    want: unknown;
  }[] = [
    {
      name: 'CN is the user, O the groups',
      pool,
      verdict: {
        ok: true,
        subject: { commonName: 'alice', organizations: ['a', 'b'] },
        notAfter: 1,
      },
      want: { kind: 'authenticated', user: { name: 'alice', groups: ['a', 'b'], extra: {} } },
    },
    {
      name: 'empty CN has no opinion',
      pool,
      verdict: { ok: true, subject: { commonName: '', organizations: ['a'] }, notAfter: 1 },
      want: { kind: 'skip' },
    },
    {
      name: 'no client CA configured',
      pool: undefined,
      verdict: { ok: true, subject: { commonName: 'alice', organizations: [] }, notAfter: 1 },
      want: { kind: 'skip' },
    },
    { name: 'no certificate', pool, verdict: undefined, want: { kind: 'skip' } },
    {
      name: 'certificate that does not verify',
      pool,
      verdict: { ok: false, reason: 'x509: certificate "p" signed by unknown authority' },
      want: {
        kind: 'error',
        reason: 'verifying certificate failed: x509: certificate "p" signed by unknown authority',
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(authenticateClientCert(certs(c.verdict), c.pool), c.want);
    });
  }
});
