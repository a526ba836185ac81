import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaPool } from './cert-chain.ts';
import type { HeaderInput } from './headers.ts';
import { createProxyUserMemo } from './proxy-user-memo.ts';
import { identityHeaderNames, type RequestHeaderConfig } from './request-header.ts';

const pool: CaPool = { pem: '', certs: [] };
const config = (): RequestHeaderConfig => ({
  ca: pool,
  allowedNames: [],
  usernameHeaders: ['x-remote-user'],
  groupHeaders: ['x-remote-group'],
  extraPrefixes: ['x-remote-extra-'],
});

describe('createProxyUserMemo', () => {
  const alice = { 'x-remote-user': ['alice'], 'x-remote-group': ['g1', 'g2'], accept: ['a'] };
  const read = (
    memo: ReturnType<typeof createProxyUserMemo>,
    connection: object | undefined,
    headers: HeaderInput,
    cfg: RequestHeaderConfig,
  ) => memo(connection, identityHeaderNames(headers, cfg))(headers, cfg);

  it('hands the same user object to equal identity headers on one connection', () => {
    const memo = createProxyUserMemo();
    const cfg = config();
    const connection = {};
    const first = read(memo, connection, alice, cfg);
    const second = read(memo, connection, { ...alice, accept: ['b'] }, cfg);
    assert.deepEqual(first, { name: 'alice', groups: ['g1', 'g2'], extra: {} });
    assert.equal(second, first);
  });

  const changes: readonly { name: string; headers: HeaderInput }[] = [
    { name: 'another user', headers: { ...alice, 'x-remote-user': ['bob'] } },
    { name: 'a group less', headers: { ...alice, 'x-remote-group': ['g1'] } },
    { name: 'groups joined', headers: { ...alice, 'x-remote-group': ['g1,g2'] } },
    { name: 'an extra more', headers: { ...alice, 'x-remote-extra-a': ['1'] } },
    { name: 'groups split otherwise', headers: { ...alice, 'x-remote-group': ['g', '1g2'] } },
    { name: 'an empty group', headers: { ...alice, 'x-remote-group': ['g1', 'g2', ''] } },
    { name: 'a single value', headers: { ...alice, 'x-remote-group': 'g1' } },
    { name: 'no user', headers: { 'x-remote-group': ['g1', 'g2'] } },
    {
      name: 'the user in another header',
      headers: { 'x-remote-group': ['g1', 'g2'], 'x-remote-extra-user': ['alice'] },
    },
  ];
  for (const c of changes) {
    it(`reads the headers again after a change: ${c.name}`, () => {
      const memo = createProxyUserMemo();
      const cfg = config();
      const connection = {};
      const first = read(memo, connection, alice, cfg);
      const fresh = read(createProxyUserMemo(), undefined, c.headers, cfg);
      const next = read(memo, connection, c.headers, cfg);
      assert.notEqual(next, first);
      assert.deepEqual(next, fresh);
    });
  }

  it('does not depend on the previous request keeping its header values', () => {
    const memo = createProxyUserMemo();
    const cfg = config();
    const connection = {};
    const groups = ['g1', 'g2'];
    const first = read(memo, connection, { ...alice, 'x-remote-group': groups }, cfg);
    groups.push('system:masters');
    const next = read(memo, connection, { ...alice, 'x-remote-group': groups }, cfg);
    assert.notEqual(next, first);
    assert.deepEqual(next?.groups, ['g1', 'g2', 'system:masters']);
  });

  it('remembers nothing across connections, configs, or without a connection', () => {
    const memo = createProxyUserMemo();
    const cfg = config();
    const connection = {};
    const first = read(memo, connection, alice, cfg);
    assert.notEqual(read(memo, {}, alice, cfg), first);
    assert.notEqual(read(memo, connection, alice, config()), first);
    assert.notEqual(read(memo, undefined, alice, cfg), read(memo, undefined, alice, cfg));
  });
});
