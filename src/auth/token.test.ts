import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log.ts';
import type { TokenReviewStatus } from '../kubernetes/reviews.ts';
import { bearerTokenOf, createTokenAuthenticator } from './token.ts';

describe('bearerTokenOf', () => {
  const cases: readonly { header: string | undefined; want: unknown }[] = [
    { header: undefined, want: { kind: 'none' } },
    { header: '', want: { kind: 'none' } },
    { header: 'Basic dXNlcjpwdw==', want: { kind: 'none' } },
    { header: 'Bearer', want: { kind: 'none' } },
    { header: 'Bearer abc', want: { kind: 'token', token: 'abc' } },
    { header: 'bearer abc', want: { kind: 'token', token: 'abc' } },
    { header: '  Bearer abc  ', want: { kind: 'token', token: 'abc' } },
    { header: 'Bearer abc def', want: { kind: 'token', token: 'abc' } },
    { header: 'Bearer  abc', want: { kind: 'invalid' } },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.header), () => {
      const headers = c.header === undefined ? {} : { authorization: [c.header] };
      assert.deepEqual(bearerTokenOf(headers), c.want);
    });
  }
});

const user = { username: 'alice', uid: 'u1', groups: ['g'], extra: { scopes: ['a'] } };
const ALICE: TokenReviewStatus = { authenticated: true, user, error: '' };
const UNKNOWN: TokenReviewStatus = {
  authenticated: false,
  user: { username: '', uid: '', groups: [], extra: {} },
  error: '',
};

interface Harness {
  readonly auth: ReturnType<typeof createTokenAuthenticator>;
  readonly calls: string[];
  readonly logs: string[];
  clock: number;
}

const harness = (
  answer: (token: string) => Promise<TokenReviewStatus>,
  ttlMs = 10_000,
): Harness => {
  const h: Harness = {
    calls: [],
    logs: [],
    clock: 1_000_000,
    auth: undefined as never,
  };
  return Object.assign(h, {
    auth: createTokenAuthenticator({
      review: (token) => {
        h.calls.push(token);
        return answer(token);
      },
      ttlMs,
      maxEntries: 2,
      now: () => h.clock,
      log: createLogger({ verbosity: 0, write: (line) => h.logs.push(line) }),
    }),
  });
};

const bearer = (token: string) => ({ authorization: [`Bearer ${token}`] });

describe('createTokenAuthenticator', () => {
  it('maps an authenticated review to the user', async () => {
    const h = harness(() => Promise.resolve(ALICE));
    assert.deepEqual(await h.auth(bearer('t1')), {
      kind: 'authenticated',
      user: { name: 'alice', uid: 'u1', groups: ['g'], extra: { scopes: ['a'] } },
    });
  });

  it('has no opinion without a token and rejects an empty one without a review', async () => {
    const h = harness(() => Promise.resolve(ALICE));
    assert.deepEqual(await h.auth({}), { kind: 'skip' });
    assert.deepEqual(await h.auth({ authorization: ['Bearer  x'] }), {
      kind: 'error',
      reason: 'invalid bearer token',
    });
    assert.deepEqual(h.calls, []);
  });

  it('caches success and failure for the TTL, then asks again', async () => {
    const h = harness((t) => Promise.resolve(t === 'good' ? ALICE : UNKNOWN));
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await h.auth(bearer('good'))).kind, 'authenticated');
      assert.deepEqual(await h.auth(bearer('bad')), {
        kind: 'error',
        reason: 'invalid bearer token',
      });
    }
    assert.deepEqual(h.calls, ['good', 'bad']);
    h.clock += 9_999;
    await h.auth(bearer('good'));
    assert.equal(h.calls.length, 2);
    h.clock += 1;
    await h.auth(bearer('good'));
    await h.auth(bearer('bad'));
    assert.deepEqual(h.calls, ['good', 'bad', 'good', 'bad']);
  });

  it('a TTL of 0 disables the cache', async () => {
    const h = harness(() => Promise.resolve(ALICE), 0);
    await h.auth(bearer('a'));
    await h.auth(bearer('a'));
    assert.equal(h.calls.length, 2);
  });

  it('keeps at most maxEntries tokens', async () => {
    const h = harness(() => Promise.resolve(ALICE));
    for (const t of ['a', 'b', 'c', 'a']) await h.auth(bearer(t));
    assert.deepEqual(h.calls, ['a', 'b', 'c', 'a']);
  });

  it('does not cache a review error or an API failure, and logs the failure without the token', async () => {
    let fail = true;
    const h = harness(() =>
      fail
        ? Promise.reject(new Error('connect ECONNREFUSED'))
        : Promise.resolve({ ...UNKNOWN, error: 'token expired' }),
    );
    assert.deepEqual(await h.auth(bearer('secret-token')), {
      kind: 'error',
      reason: 'connect ECONNREFUSED',
    });
    assert.equal(h.logs.length, 1);
    assert.match(h.logs[0] ?? '', /Failed to make webhook authenticator request/);
    assert.doesNotMatch(h.logs.join(''), /secret-token/);
    fail = false;
    assert.deepEqual(await h.auth(bearer('secret-token')), {
      kind: 'error',
      reason: 'token expired',
    });
    await h.auth(bearer('secret-token'));
    assert.equal(h.calls.length, 3);
  });

  it('shares one review between concurrent requests with the same token', async () => {
    let release: (s: TokenReviewStatus) => void = () => undefined;
    const h = harness(() => new Promise((resolve) => (release = resolve)));
    const pending = [h.auth(bearer('x')), h.auth(bearer('x')), h.auth(bearer('x'))];
    release(ALICE);
    const results = await Promise.all(pending);
    assert.equal(h.calls.length, 1);
    assert.ok(results.every((r) => r.kind === 'authenticated'));
  });
});
