import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaPool, ChainVerdict } from './cert-chain.ts';
import type { HeaderInput } from './headers.ts';
import type { PeerCertificates } from './peer-certs.ts';
import {
  authenticateRequestHeader,
  identityHeaderNames,
  userFromHeaders,
  type RequestHeaderConfig,
} from './request-header.ts';

const pool: CaPool = { pem: '', certs: [] };
const NAMES = {
  usernameHeaders: ['x-remote-user'],
  groupHeaders: ['x-remote-group'],
  extraPrefixes: ['x-remote-extra-'],
};
const CONFIG: RequestHeaderConfig = { ca: pool, allowedNames: [], ...NAMES };

describe('userFromHeaders', () => {
  const cases: readonly {
    name: string;
    headers: HeaderInput;
    config?: Partial<typeof NAMES>;
    want: unknown;
  }[] = [
    { name: 'no username header', headers: { 'x-remote-group': ['g'] }, want: undefined },
    { name: 'empty username', headers: { 'x-remote-user': [''] }, want: undefined },
    {
      name: 'user only',
      headers: { 'x-remote-user': ['alice'] },
      want: { name: 'alice', groups: [], extra: {} },
    },
    {
      name: 'first value of the username header wins',
      headers: { 'x-remote-user': ['alice', 'bob'] },
      want: { name: 'alice', groups: [], extra: {} },
    },
    {
      name: 'first non-empty username header in order',
      headers: { 'x-user': [''], 'x-remote-user': ['carol'] },
      config: { usernameHeaders: ['x-user', 'x-remote-user'] },
      want: { name: 'carol', groups: [], extra: {} },
    },
    {
      name: 'every value of every group header, empties dropped, commas kept',
      headers: {
        'x-remote-user': ['alice'],
        'x-remote-group': ['one', '', 'two, three'],
        'x-other-group': ['four'],
      },
      config: { groupHeaders: ['x-remote-group', 'x-other-group'] },
      want: { name: 'alice', groups: ['one', 'two, three', 'four'], extra: {} },
    },
    {
      name: 'a plain string header is one value',
      headers: { 'x-remote-user': 'alice', 'x-remote-group': 'a, b' },
      want: { name: 'alice', groups: ['a, b'], extra: {} },
    },
    {
      name: 'extras: key lowercased and URL-unescaped, values kept (empty too)',
      headers: {
        'x-remote-user': ['alice'],
        'x-remote-extra-scopes': ['read', 'write'],
        'x-remote-extra-example.com%2fteam': ['blue', ''],
        'x-remote-extra-bad%zz': ['raw'],
        'X-Remote-Extra-MiXeD': ['v'],
      },
      want: {
        name: 'alice',
        groups: [],
        extra: {
          scopes: ['read', 'write'],
          'example.com/team': ['blue', ''],
          'bad%zz': ['raw'],
          mixed: ['v'],
        },
      },
    },
    {
      name: 'an extra named __proto__ is an ordinary key',
      headers: { 'x-remote-user': ['a'], 'x-remote-extra-__proto__': ['p'] },
      want: { name: 'a', groups: [], extra: Object.fromEntries([['__proto__', ['p']]]) },
    },
    {
      name: 'several prefixes',
      headers: { 'x-remote-user': ['a'], 'x-a-k': ['1'], 'x-b-k': ['2'] },
      config: { extraPrefixes: ['x-a-', 'x-b-'] },
      want: { name: 'a', groups: [], extra: { k: ['1', '2'] } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(userFromHeaders(c.headers, { ...NAMES, ...c.config }), c.want);
    });
  }
});

describe('identityHeaderNames', () => {
  it('names every identity header present, trusted or not', () => {
    const headers = {
      'x-remote-user': ['mallory'],
      'x-remote-group': ['system:masters'],
      'x-remote-extra-a': ['1'],
      accept: ['application/json'],
      'x-remote-userx': ['kept'],
    };
    assert.deepEqual(identityHeaderNames(headers, NAMES), [
      'x-remote-user',
      'x-remote-group',
      'x-remote-extra-a',
    ]);
    assert.deepEqual(identityHeaderNames(headers, undefined), []);
  });
  it('compares names lowercased, so whatever is read as identity is also stripped', () => {
    const headers = { 'X-Remote-User': ['a'], 'X-Remote-Extra-MiXeD': ['v'], Accept: ['*/*'] };
    assert.deepEqual(identityHeaderNames(headers, NAMES), [
      'X-Remote-User',
      'X-Remote-Extra-MiXeD',
    ]);
  });
});

const certs = (verdict: ChainVerdict | undefined): PeerCertificates & { calls: number } => {
  const out = {
    calls: 0,
    present: verdict !== undefined,
    verify: () => {
      out.calls += 1;
      return verdict ?? { ok: false, reason: 'none' };
    },
  };
  return out;
};
const okAs = (cn: string): ChainVerdict => ({
  ok: true,
  subject: { commonName: cn, organizations: ['ignored'] },
  notAfter: Infinity,
});

describe('authenticateRequestHeader', () => {
  const headers = { 'x-remote-user': ['alice'], 'x-remote-group': ['g'] };
  const cases: readonly {
    name: string;
    config: RequestHeaderConfig | undefined;
    verdict: ChainVerdict | undefined;
    headers?: HeaderInput;
    want: unknown;
  }[] = [
    { name: 'no config', config: undefined, verdict: okAs('proxy'), want: { kind: 'skip' } },
    {
      name: 'forged headers without a certificate',
      config: CONFIG,
      verdict: undefined,
      want: { kind: 'skip' },
    },
    {
      name: 'certificate not from the requestheader CA',
      config: CONFIG,
      verdict: { ok: false, reason: 'x509: certificate "x" signed by unknown authority' },
      want: {
        kind: 'error',
        reason: 'request-header: x509: certificate "x" signed by unknown authority',
      },
    },
    {
      name: 'CN not allowed',
      config: { ...CONFIG, allowedNames: ['front-proxy-client'] },
      verdict: okAs('evil'),
      want: { kind: 'error', reason: 'x509: subject with cn=evil is not in the allowed list' },
    },
    {
      name: 'allowed CN',
      config: { ...CONFIG, allowedNames: ['aggregator', 'front-proxy-client'] },
      verdict: okAs('front-proxy-client'),
      want: { kind: 'authenticated', user: { name: 'alice', groups: ['g'], extra: {} } },
    },
    {
      name: 'any CN when none is listed',
      config: CONFIG,
      verdict: okAs('whoever'),
      want: { kind: 'authenticated', user: { name: 'alice', groups: ['g'], extra: {} } },
    },
    {
      name: 'valid proxy without a username header',
      config: CONFIG,
      verdict: okAs('front-proxy-client'),
      headers: { 'x-remote-group': ['g'] },
      want: { kind: 'skip' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const step = authenticateRequestHeader(c.headers ?? headers, certs(c.verdict), c.config);
      assert.deepEqual(step, c.want);
    });
  }
});
