/**
 * Hostile `Impersonate-*` headers (issue 14) through the impersonation hook with a recording
 * authorizer that allows or denies at random: the hook never throws; headers other than a user
 * without one are a 400; a user is taken on only when every requested thing was allowed, and
 * each was asked about for the caller with verb `impersonate`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { HeaderMap } from '../api/http-types.ts';
import type { RequestAttributes } from '../api/request-info.ts';
import { hostileString } from '../../test/support/arbitraries.ts';
import { fcParams } from '../../test/support/hostile-params.ts';
import type { Decision } from './authorize.ts';
import { impersonateWith } from './impersonation.ts';

const CALLER = { name: 'bob', groups: ['devs'], extra: {} };

const values = fc.oneof(
  hostileString(3).map((v) => [v]),
  fc.array(hostileString(3), { minLength: 2, maxLength: 3 }),
);

const headers: fc.Arbitrary<HeaderMap> = fc
  .record(
    {
      user: fc.oneof(
        hostileString(3),
        fc.constantFrom(
          'system:serviceaccount:ns:sa',
          'system:anonymous',
          'system:serviceaccount:x',
        ),
      ),
      groups: values,
      uid: hostileString(2),
      extras: fc.dictionary(
        fc.oneof(
          fc.constantFrom('scopes', 'a%2Fb', '%zz'),
          hostileString(1).map(encodeURIComponent),
        ),
        values,
        { maxKeys: 2 },
      ),
      other: fc.dictionary(
        fc.constantFrom('accept', 'impersonate', 'impersonate-users'),
        hostileString(2),
      ),
    },
    { requiredKeys: ['other'] },
  )
  .map((h) => ({
    ...h.other,
    ...(h.user === undefined ? {} : { 'impersonate-user': h.user }),
    ...(h.groups === undefined ? {} : { 'impersonate-group': h.groups }),
    ...(h.uid === undefined ? {} : { 'impersonate-uid': h.uid }),
    ...Object.fromEntries(
      Object.entries(h.extras ?? {}).map(([k, v]) => [`impersonate-extra-${k.toLowerCase()}`, v]),
    ),
  }));

const list = (v: HeaderMap[string]): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

describe('hostile Impersonate-* headers (issue 14)', () => {
  it('400 without a user, a user only when every check is allowed, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(headers, fc.array(fc.boolean(), { minLength: 1 }), async (h, answers) => {
        const asked: RequestAttributes[] = [];
        const answer = (i: number) => answers[i % answers.length] === true;
        const impersonate = impersonateWith((caller, attrs): Decision => {
          assert.deepEqual(caller, CALLER);
          asked.push(attrs);
          return answer(asked.length - 1) ? { kind: 'allowed' } : { kind: 'denied', reason: 'no' };
        });
        const result = await impersonate(h, CALLER);
        const user = list(h['impersonate-user'])[0] ?? '';
        const groups = list(h['impersonate-group']);
        const uid = list(h['impersonate-uid'])[0] ?? '';
        const extraValues = Object.entries(h)
          .filter(([k]) => k.startsWith('impersonate-extra-'))
          .flatMap(([, v]) => list(v));
        const others = groups.length + extraValues.length + (uid === '' ? 0 : 1);
        if (user === '') {
          assert.deepEqual(result.kind, others > 0 ? 'invalid' : 'as');
          assert.equal(asked.length, 0);
          return;
        }
        for (const a of asked) assert.equal(a.verb, 'impersonate');
        const allAllowed = asked.every((_, i) => answer(i));
        if (result.kind !== 'as') {
          assert.equal(result.kind, 'denied');
          assert.ok(!allAllowed);
          assert.deepEqual(result.attrs, asked.at(-1));
          return;
        }
        assert.ok(allAllowed);
        assert.equal(asked.length, 1 + others);
        assert.ok(result.identity !== undefined && !('rejected' in result.identity));
        assert.equal(result.identity.name, user);
        for (const g of groups) assert.ok(result.identity.groups.includes(g));
      }),
      fcParams(5_000),
    );
  });
});
