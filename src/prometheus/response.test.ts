import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrometheusError } from './errors.ts';
import { decodeEnvelope, hasEnvelope, parseQueryResult, parseSampleValue } from './response.ts';

const rejects = (fn: () => unknown, message: string | RegExp, errorType?: string): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PrometheusError);
    if (errorType !== undefined) assert.equal(err.errorType, errorType);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
};

describe('hasEnvelope', () => {
  const cases: [number, boolean][] = [
    [200, true],
    [204, true],
    [400, true],
    [422, true],
    [503, true],
    [301, false],
    [401, false],
    [404, false],
    [500, false],
    [502, false],
  ];
  for (const [status, want] of cases) {
    it(`${status} → ${want}`, () => {
      assert.equal(hasEnvelope(status), want);
    });
  }
});

describe('decodeEnvelope', () => {
  it('returns data on success', () => {
    assert.deepEqual(decodeEnvelope('{"status":"success","data":[1]}'), [1]);
  });
  it('formats API errors as <errorType>: <error>', () => {
    rejects(
      () =>
        decodeEnvelope('{"status":"error","errorType":"bad_data","error":"parse error at char 3"}'),
      'bad_data: parse error at char 3',
      'bad_data',
    );
  });
  it('reports undecodable bodies as bad_response', () => {
    rejects(() => decodeEnvelope('<html>oops</html>'), /^bad_response: /, 'bad_response');
    rejects(() => decodeEnvelope('[1,2]'), /^bad_response: /, 'bad_response');
  });
});

describe('parseQueryResult', () => {
  it('parses a vector with special values', () => {
    const result = parseQueryResult({
      resultType: 'vector',
      result: [
        { metric: { __name__: 'up', pod: 'a' }, value: [1712345678.5, '1.5'] },
        { metric: {}, value: [1712345678.5, 'NaN'] },
        { metric: { pod: 'c' }, value: [1712345678.5, '+Inf'] },
        { metric: { pod: 'd' }, value: [1712345678.5, '-Inf'] },
      ],
    });
    assert.equal(result.type, 'vector');
    if (result.type !== 'vector') return;
    assert.deepEqual(result.samples[0], {
      labels: { __name__: 'up', pod: 'a' },
      timestamp: 1712345678.5,
      value: 1.5,
    });
    assert.ok(Number.isNaN(result.samples[1]?.value));
    assert.equal(result.samples[2]?.value, Infinity);
    assert.equal(result.samples[3]?.value, -Infinity);
  });
  it('parses a scalar and counts matrix series', () => {
    assert.deepEqual(parseQueryResult({ resultType: 'scalar', result: [12, '3e2'] }), {
      type: 'scalar',
      timestamp: 12,
      value: 300,
    });
    assert.deepEqual(
      parseQueryResult({ resultType: 'matrix', result: [{ metric: {}, values: [] }, {}] }),
      { type: 'matrix', seriesCount: 2 },
    );
  });
  it('reads a native-histogram sample as 0 and a null vector as empty', () => {
    const r = parseQueryResult({
      resultType: 'vector',
      result: [{ metric: { a: 'b' }, histogram: [5, { count: '1' }] }],
    });
    assert.deepEqual(r, {
      type: 'vector',
      samples: [{ labels: { a: 'b' }, timestamp: 5, value: 0 }],
    });
    assert.deepEqual(parseQueryResult({ resultType: 'vector', result: null }), {
      type: 'vector',
      samples: [],
    });
  });
  it('rejects string results and malformed data', () => {
    rejects(
      () => parseQueryResult({ resultType: 'string', result: [1, 'x'] }),
      'bad_response: unexpected value type "string"',
    );
    rejects(
      () => parseQueryResult({ resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] }),
      /invalid sample value/,
    );
    rejects(
      () =>
        parseQueryResult({ resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] }),
      /label values must be strings/,
    );
    rejects(() => parseQueryResult('nope'), /query data must be an object/);
  });
});

describe('parseSampleValue', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['-0.25', -0.25],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['Inf', Infinity],
    ['+inf', Infinity],
  ];
  for (const [text, want] of cases) {
    it(text, () => {
      assert.equal(parseSampleValue(text), want);
    });
  }
  it('rejects empty and non-numeric text', () => {
    assert.throws(() => parseSampleValue(''));
    assert.throws(() => parseSampleValue('0x10'));
    assert.throws(() => parseSampleValue(1));
  });
});
