/**
 * `/debug/explain` mounted on the real app behind the real authorizer: the SubjectAccessReview for
 * the non-resource path `/debug/explain` (verb get) is what lets a caller in. The review itself is
 * answered by a function (a kube API is not needed to show which review gates the route).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainFixture, vectorOf } from '../../test/support/explain-fixture.ts';
import { createApp } from '../api/app.ts';
import { createAuthorizer } from '../auth/authorize.ts';
import { authorizeWith } from '../auth/serving-hooks.ts';
import type { SubjectAccessReviewSpec } from '../kubernetes/reviews.ts';
import { silentLogger } from '../log.ts';
import { EXPLAIN_PATH, explainHandler } from './debug-route.ts';

const PATH =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_per_second';
const PROMQL = 'sum(rate(http_requests_total{namespace="default",pod=~"a|b"}[2m])) by (pod)';

const setup = (allowed: (spec: SubjectAccessReviewSpec) => boolean, mounted = true) => {
  const reviews: SubjectAccessReviewSpec[] = [];
  const { deps } = explainFixture({ answers: new Map([[PROMQL, vectorOf([[{ pod: 'a' }, 2]])]]) });
  const authorizer = createAuthorizer({
    review: (spec) => {
      reviews.push(spec);
      return Promise.resolve({
        allowed: allowed(spec),
        denied: false,
        reason: '',
        evaluationError: '',
      });
    },
    allowedTtlMs: 0,
    deniedTtlMs: 0,
    log: silentLogger(),
  });
  const app = createApp({
    authorize: authorizeWith(authorizer),
    operatorRoutes: mounted ? { [EXPLAIN_PATH]: explainHandler(deps, silentLogger()) } : {},
    health: { readyChecks: () => ({}), liveChecks: () => ({}) },
    now: () => new Date(0),
    version: { gitVersion: 'v0' },
    logger: silentLogger(),
  });
  const get = (target: string, headers: Record<string, string> = {}) =>
    app.handle({
      method: 'GET',
      path: target,
      headers,
      identity: { name: 'alice', groups: ['ops'] },
    });
  return { reviews, get };
};

const explainTarget = (extra = '') => `${EXPLAIN_PATH}?path=${encodeURIComponent(PATH)}${extra}`;
const isExplainReview = (spec: SubjectAccessReviewSpec) =>
  spec.nonResourceAttributes?.path === EXPLAIN_PATH && spec.nonResourceAttributes.verb === 'get';

describe('/debug/explain behind delegated authorization', () => {
  it('asks a non-resource review for /debug/explain, and a denial is 403 without explaining', async () => {
    const { reviews, get } = setup(() => false);
    const res = await get(explainTarget());
    assert.equal(res.status, 403);
    assert.equal(reviews.length, 1);
    assert.deepEqual(reviews[0]?.nonResourceAttributes, { path: EXPLAIN_PATH, verb: 'get' });
    assert.equal(reviews[0]?.user, 'alice');
  });

  it('allowed for /debug/explain (and nothing else): text by default', async () => {
    const { get } = setup(isExplainReview);
    const res = await get(explainTarget());
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(res.body.toString(), /^Verdict {5}200: 1 value\(s\) served \(1 dropped/m);
    // The explained request itself needed no review of its own.
    assert.equal((await get(PATH)).status, 403, 'the metric path itself stays denied');
  });

  it('JSON with output=json or Accept: application/json', async () => {
    const { get } = setup(isExplainReview);
    for (const res of [
      await get(explainTarget('&output=json')),
      await get(explainTarget(), { accept: 'application/json' }),
    ]) {
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      const doc = JSON.parse(res.body.toString()) as {
        rule: { path: string };
        answer: { status: number };
      };
      assert.equal(doc.rule.path, 'rules[0]');
      assert.equal(doc.answer.status, 200);
    }
  });

  it('without ?path= it says how to call it; unmounted (--enable-explain=false) it is 404', async () => {
    const { get } = setup(isExplainReview);
    const missing = await get(EXPLAIN_PATH);
    assert.equal(missing.status, 400);
    assert.match(missing.body.toString(), /missing \?path=/);
    const off = setup(isExplainReview, false);
    assert.equal((await off.get(explainTarget())).status, 404);
  });
});
