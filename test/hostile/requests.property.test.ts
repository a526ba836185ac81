/**
 * Hostile requests (issue 14): random methods, routes built from API segments and hostile ones
 * (percent-encodings, `..`, `//`, invalid UTF-8 escapes, huge values) and query strings, through
 * the real app (src/api/app.ts) with the real custom, external and resource providers over the
 * recording fakes of test/hostile/pipeline.ts. Every answer is a Kubernetes Status with a 4xx
 * (or upstream's plain `404 page not found` / `400 Bad Request` for non-API paths), or a 2xx;
 * never a 5xx beyond the ones upstream gives (listed in docs/reliability.md, "Hostile input"), never a
 * stack trace or a file path of ours. Any PromQL sent still parses.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { vectorSelectorMatchers } from '../support/promql-matchers.ts';
import { fcParams } from '../support/hostile-params.ts';
import { checkResponse, hostileApp, method, requestTarget } from './requests.ts';

describe('hostile requests through the real app (issue 14)', () => {
  const { p, app } = hostileApp();

  it('answers any method, path and query with a Status (or upstream plain text), never a stray 5xx', async () => {
    const codes = new Map<number, number>();
    let queried = 0;
    await fc.assert(
      fc.asyncProperty(method, requestTarget, async (m, target) => {
        p.prometheus.queries.length = 0;
        const res = await app.handle({ method: m, path: target, headers: {} });
        const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
        checkResponse(target, m === 'HEAD', res.status, res.headers, text);
        for (const q of p.prometheus.queries) vectorSelectorMatchers(q);
        codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        if (p.prometheus.queries.length > 0) queried++;
      }),
      fcParams(30_000),
    );
    // The generator reaches the metric handlers, not only the 404 fallback.
    process.stdout.write(
      `# status codes ${JSON.stringify([...codes].sort())}, queried ${queried}\n`,
    );
    for (const code of [200, 400, 404, 405]) assert.ok(codes.has(code), `no ${code} answered`);
    assert.ok(queried > 0, 'no request reached Prometheus');
  });

  it('the response check refuses what it should (so the property can fail)', () => {
    const json = { 'content-type': 'application/json' };
    const status = (code: number, message: string) =>
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message });
    assert.throws(() => {
      checkResponse('/x', false, 500, json, status(500, 'boom'));
    });
    assert.throws(() => {
      checkResponse('/x', false, 404, json, status(404, 'at f (/work/wt/src/a.ts:1:2)'));
    });
    assert.throws(() => {
      checkResponse('/x', false, 502, { 'content-type': 'text/plain' }, 'bad gateway');
    });
    assert.doesNotThrow(() => {
      checkResponse('/x', false, 404, json, status(404, 'the server could not find'));
    });
  });
});
