import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInFlightLimiter, requestDeadlineMs, statusResponse } from './request-guards.ts';
import { tooManyRequests, type StatusResult } from '../api/status.ts';

describe('requestDeadlineMs', () => {
  const cases: [string, number | string][] = [
    ['/apis', 60_000],
    ['/apis?timeout=', 60_000],
    ['/apis?timeout=10s', 10_000],
    ['/apis?timeout=1m30s', 60_000],
    ['/apis?timeout=1.5s', 1_500],
    ['/apis?timeout=0s', 60_000],
    ['/apis?timeout=-5s', 60_000],
    [
      '/apis?timeout=abc',
      'invalid timeout specified in the request URL - time: invalid duration "abc"',
    ],
    [
      '/apis?timeout=10',
      'invalid timeout specified in the request URL - time: missing unit in duration "10"',
    ],
  ];
  for (const [target, want] of cases) {
    it(target, () => {
      const got = requestDeadlineMs(target, 60_000);
      if (typeof want === 'number') assert.equal(got, want);
      else assert.equal((got as StatusResult).body.message, want);
    });
  }
});

describe('createInFlightLimiter', () => {
  it('limits read-only and mutating pools separately and releases once', () => {
    const limiter = createInFlightLimiter(2, 1);
    const a = limiter.tryAcquire('GET', undefined);
    const b = limiter.tryAcquire('HEAD', undefined);
    assert.ok(a && b);
    assert.equal(limiter.tryAcquire('GET', undefined), undefined);
    const m = limiter.tryAcquire('POST', undefined);
    assert.ok(m);
    assert.equal(limiter.tryAcquire('DELETE', undefined), undefined);
    a();
    a();
    assert.ok(limiter.tryAcquire('GET', undefined));
    assert.equal(limiter.tryAcquire('GET', undefined), undefined);
  });

  it('exempts system:masters and treats 0 as unlimited', () => {
    const limiter = createInFlightLimiter(1, 0);
    assert.ok(limiter.tryAcquire('GET', undefined));
    assert.ok(limiter.tryAcquire('GET', { name: 'root', groups: ['system:masters'] }));
    for (let i = 0; i < 5; i++) assert.ok(limiter.tryAcquire('PUT', undefined));
  });
});

describe('statusResponse', () => {
  it('renders a negotiated Status with the common and extra headers', () => {
    const res = statusResponse(
      { 'audit-id': 'x', 'user-agent': 'curl/8' },
      '/a',
      tooManyRequests(),
      {
        'retry-after': '1',
      },
    );
    assert.equal(res.status, 429);
    assert.deepEqual(res.headers, {
      'audit-id': 'x',
      'cache-control': 'no-cache, private',
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'retry-after': '1',
    });
    assert.ok(res.body.toString().startsWith('{\n  "kind": "Status"'));
  });
});
