/**
 * Fault matrix, Prometheus side: the compiled adapter, a real Prometheus scraping a real sample
 * app, the fault-injecting proxy (test/support/recording-proxy.ts) between them, and the fake kube
 * API. Each fault is applied to instant queries only (the relist keeps its index), the HPA's
 * request is made with `?timeout=3s`, and recovery is measured from the moment the fault ends.
 * The HPA must get a Status with the right code and a message that says what happened — never a
 * wrong value, never a hang past its deadline. Coalescing and batching are off
 * (`--coalesce-window=0 --batch-window=0`) so that every request meets the fault;
 * stall-with-coalescing has its own test below.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Fault } from '../support/recording-proxy.ts';
import { faultSuite, hpaGet, recovery, report, valuesOf, type Outcome } from './fault-support.ts';

const envelope = (errorType: string, error: string): string =>
  JSON.stringify({ status: 'error', errorType, error });
const vector = (value: string): string =>
  JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: [
        {
          metric: { namespace: 'default', pod: 'sample-app-0' },
          value: [Date.now() / 1000, value],
        },
      ],
    },
  });
const resultOf = (resultType: string, result: unknown): string =>
  JSON.stringify({ status: 'success', data: { resultType, result } });

interface Case {
  readonly name: string;
  readonly fault: Fault;
  readonly code: number;
  /** For 200: the value sample-app-0 must get. Otherwise what the Status message must say. */
  readonly says: RegExp | string;
  /** What the adapter's log must say about the failure (the HPA sees only the generic 500). */
  readonly logs?: RegExp;
}

const TIMEOUT = /^Timeout: request did not complete within requested timeout/;
const FETCH = 'Internal error occurred: unable to fetch metrics';

const CASES: readonly Case[] = [
  { name: 'stalled (accepts, never answers)', fault: { mode: 'stall' }, code: 504, says: TIMEOUT },
  {
    name: 'slower than the request timeout (6 s)',
    fault: { mode: 'delay', ms: 6000 },
    code: 504,
    says: TIMEOUT,
  },
  {
    name: '500 without an envelope',
    fault: { mode: 'status', code: 500, body: 'internal server error' },
    code: 500,
    says: FETCH,
    logs: /unknown response code 500/,
  },
  {
    name: '503 with an error envelope',
    fault: { mode: 'status', code: 503, body: envelope('unavailable', 'too many queries') },
    code: 500,
    says: FETCH,
    logs: /unavailable: too many queries/,
  },
  {
    name: '400 with a bad_data envelope',
    fault: { mode: 'status', code: 400, body: envelope('bad_data', 'parse error at char 3') },
    code: 500,
    says: FETCH,
    logs: /bad_data: parse error at char 3/,
  },
  {
    name: '422 with an execution envelope',
    fault: { mode: 'status', code: 422, body: envelope('execution', 'query timed out') },
    code: 500,
    says: FETCH,
    logs: /execution: query timed out/,
  },
  {
    name: 'garbage body',
    fault: { mode: 'body', body: '<html>oops</html>' },
    code: 500,
    says: FETCH,
    logs: /bad_response: Unexpected token/,
  },
  {
    name: 'truncated JSON (connection cut mid-answer)',
    fault: { mode: 'truncate' },
    code: 500,
    says: FETCH,
    logs: /transport: reading response/,
  },
  {
    name: '200 MB answer',
    fault: { mode: 'huge', bytes: 200 * 1024 * 1024 },
    code: 500,
    says: FETCH,
    logs: /bad_response: response larger than 33554432 bytes/,
  },
  {
    name: 'NaN value (0, as upstream)',
    fault: { mode: 'body', body: vector('NaN') },
    code: 200,
    says: '0',
  },
  {
    name: '+Inf value (int64 max milli, as upstream)',
    fault: { mode: 'body', body: vector('+Inf') },
    code: 200,
    says: '9223372036854775807m',
  },
  {
    name: '-Inf value (int64 min milli, as upstream)',
    fault: { mode: 'body', body: vector('-Inf') },
    code: 200,
    says: '-9223372036854775808m',
  },
  {
    name: 'huge value 1e300 (exact; upstream overflows int64)',
    fault: { mode: 'body', body: vector('1e300') },
    code: 200,
    says: '1e300',
  },
  {
    name: 'tiny value 1e-300',
    fault: { mode: 'body', body: vector('1e-300') },
    code: 200,
    says: '0',
  },
  {
    name: 'matrix where a vector is expected',
    fault: { mode: 'body', body: resultOf('matrix', [{ metric: {}, values: [[1, '1']] }]) },
    code: 500,
    says: FETCH,
    logs: /non-vector.*matrix/,
  },
  {
    name: 'scalar where a vector is expected',
    fault: { mode: 'body', body: resultOf('scalar', [1, '1']) },
    code: 500,
    says: FETCH,
    logs: /non-vector.*scalar/,
  },
  {
    name: 'string where a vector is expected',
    fault: { mode: 'body', body: resultOf('string', [1, 'x']) },
    code: 500,
    says: FETCH,
    logs: /unexpected value type \\"string\\"/,
  },
];

describe('Prometheus faults (fault-injecting proxy, real Prometheus)', { timeout: 180_000 }, () => {
  const s = faultSuite({ args: ['--coalesce-window=0', '--batch-window=0'] });

  for (const c of CASES) {
    it(`${c.name}: ${c.code}, then recovers by itself`, async () => {
      s.h.proxy.setFault(c.fault, 'query');
      let got: Outcome;
      try {
        got = await hpaGet(s.adapter, '3s');
      } finally {
        s.h.proxy.setFault({ mode: 'pass' });
      }
      const recovered = await recovery(s.adapter);
      report(c.name, got, recovered);
      assert.equal(got.status, c.code, got.body);
      assert.ok(got.ms < 3000 + 1500, `answered in ${got.ms} ms, past the 3 s deadline`);
      if (c.code === 200) {
        const value = valuesOf(got.body)['sample-app-0'];
        if (typeof c.says === 'string') assert.equal(value, c.says);
        else assert.match(value ?? '', c.says);
      } else if (typeof c.says === 'string') {
        assert.equal(got.message, c.says);
      } else {
        assert.match(got.message, c.says);
      }
      if (c.logs !== undefined) assert.match(s.adapter.process.output(), c.logs);
    });
  }
});
