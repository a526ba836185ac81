import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubernetesError } from './kubernetes-error.ts';
import {
  createReviewClient,
  isTransient,
  parseSubjectAccessReview,
  parseTokenReview,
} from './reviews.ts';

type Answer = unknown;

const fakeClient = (answers: Answer[]) => {
  const calls: { path: string; body: unknown }[] = [];
  return {
    calls,
    postJson: (path: string, body: unknown): Promise<unknown> => {
      calls.push({ path, body });
      const answer = answers.shift();
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
};

const noSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
};

describe('parseTokenReview / parseSubjectAccessReview', () => {
  it('normalises a full TokenReview', () => {
    assert.deepEqual(
      parseTokenReview({
        status: {
          authenticated: true,
          user: { username: 'u', uid: 'i', groups: ['g'], extra: { k: ['v'] } },
          audiences: ['https://kubernetes.default.svc'],
        },
      }),
      {
        authenticated: true,
        user: { username: 'u', uid: 'i', groups: ['g'], extra: { k: ['v'] } },
        error: '',
      },
    );
  });
  it('defaults missing fields', () => {
    assert.deepEqual(parseTokenReview({ status: { error: 'bad' } }), {
      authenticated: false,
      user: { username: '', uid: '', groups: [], extra: {} },
      error: 'bad',
    });
    assert.deepEqual(parseSubjectAccessReview({ status: {} }), {
      allowed: false,
      denied: false,
      reason: '',
      evaluationError: '',
    });
  });
  it('rejects a body without status', () => {
    assert.throws(() => parseTokenReview({}), KubernetesError);
    assert.throws(() => parseSubjectAccessReview('x'), KubernetesError);
  });
});

describe('isTransient', () => {
  const cases: readonly [unknown, boolean][] = [
    [new KubernetesError(0, '', 'ECONNRESET'), true],
    [new KubernetesError(500, 'InternalError', ''), true],
    [new KubernetesError(429, 'TooManyRequests', ''), true],
    [new KubernetesError(504, '', ''), true],
    [new KubernetesError(403, 'Forbidden', ''), false],
    [new KubernetesError(401, 'Unauthorized', ''), false],
    [new Error('other'), false],
  ];
  for (const [err, want] of cases) {
    it(`${(err as Error).message || String((err as KubernetesError).status)} → ${want}`, () => {
      assert.equal(isTransient(err), want);
    });
  }
});

describe('createReviewClient', () => {
  it('posts a TokenReview and a SubjectAccessReview', async () => {
    const client = fakeClient([
      { status: { authenticated: true, user: { username: 'u' } } },
      { status: { allowed: true, reason: 'RBAC' } },
    ]);
    const reviews = createReviewClient(client);
    assert.equal((await reviews.tokenReview('tok')).user.username, 'u');
    const spec = { user: 'u', nonResourceAttributes: { path: '/metrics', verb: 'get' } };
    assert.deepEqual(await reviews.subjectAccessReview(spec), {
      allowed: true,
      denied: false,
      reason: 'RBAC',
      evaluationError: '',
    });
    assert.deepEqual(client.calls, [
      {
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token: 'tok' },
        },
      },
      {
        path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
      },
    ]);
  });

  it('retries transient failures with 500 ms × 1.5 backoff, 5 attempts in all', async () => {
    const transient = () => new KubernetesError(500, 'InternalError', 'boom');
    const client = fakeClient([transient(), transient(), transient(), transient(), transient()]);
    const { waits, sleep } = noSleep();
    const reviews = createReviewClient(client, { sleep, random: () => 0.5 });
    await assert.rejects(reviews.tokenReview('t'), /boom/);
    assert.equal(client.calls.length, 5);
    assert.deepEqual(waits, [500, 750, 1125, 1687.5]);
  });

  it('succeeds after a transient failure and does not retry a final one', async () => {
    const client = fakeClient([new KubernetesError(0, '', 'reset'), { status: { allowed: true } }]);
    const { sleep } = noSleep();
    assert.equal(
      (await createReviewClient(client, { sleep }).subjectAccessReview({})).allowed,
      true,
    );
    const forbidden = fakeClient([new KubernetesError(403, 'Forbidden', 'no')]);
    await assert.rejects(createReviewClient(forbidden, { sleep }).tokenReview('t'), /no/);
    assert.equal(forbidden.calls.length, 1);
  });
});
