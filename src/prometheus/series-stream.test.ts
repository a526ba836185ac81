import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { readSeriesBody } from './series-stream.ts';
import { shapesOf } from './series-shapes.ts';
import { decodeEnvelope } from './response.ts';
import { PrometheusError } from './errors.ts';
import type { SeriesSet } from './types.ts';

/** Chunks of `text` at most `size` bytes long, as a body stream delivers them. */
const chunks = (text: string, size = 7): Readable => {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
};

/** The whole-body reading this streaming reader replaces: JSON.parse, then the series array. */
const oracle = (text: string): SeriesSet => {
  const data = decodeEnvelope(text);
  if (data === null) return shapesOf([]);
  if (!Array.isArray(data))
    throw new PrometheusError('bad_response', 'series data must be an array');
  return shapesOf(
    data.map((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw new PrometheusError('bad_response', 'series: expected a label set');
      const labels = entry as Record<string, unknown>;
      if (Object.values(labels).some((v) => typeof v !== 'string'))
        throw new PrometheusError('bad_response', 'series: label values must be strings');
      const { __name__: name = '', ...rest } = labels as Record<string, string>;
      return { name, labels: rest };
    }),
  );
};

const outcome = async (run: () => Promise<SeriesSet>): Promise<unknown> => {
  try {
    return await run();
  } catch (err) {
    assert.ok(err instanceof PrometheusError, String(err));
    // JSON syntax errors are worded differently from JSON.parse's: compare their type only.
    return err.errorType === 'bad_response' && !err.message.includes('series')
      ? 'bad_response'
      : err.message;
  }
};

const agree = async (text: string, size?: number): Promise<void> => {
  const want = await outcome(() => Promise.resolve().then(() => oracle(text)));
  assert.deepEqual(await outcome(() => readSeriesBody(chunks(text, size))), want, text);
};

describe('readSeriesBody', () => {
  const cases = [
    '{"status":"success","data":[{"__name__":"up","job":"x","instance":"a"},{"instance":"b","__name__":"up","job":"y"},{"job":"z"}]}',
    '{"status":"success","data":null}',
    '{"status":"success","data":[]}',
    '{"data":[{"__name__":"a\\u005fb","pod":"p"}],"status":"success","warnings":["w"]}',
    '{"status":"error","errorType":"bad_data","error":"parse error"}',
    '{"status":"error","errorType":"bad_data","error":"x","data":[1]}',
    '{"status":"error","errorType":7}',
    '{"status":"success","data":{}}',
    '{"status":"success","data":"x"}',
    '{"status":"success"}',
    '{"status":"success","data":[1]}',
    '{"status":"success","data":[["a"]]}',
    '{"status":"success","data":[{"a":1}]}',
    '{"status":"success","data":[{"a":{"b":"c"}}]}',
    '{"status":"success","data":[{"a":"1"},null]}',
    '{"status":"success","data":[{"a":"1"}],"data":null}',
    '{"status":"success","data":[{"__name__":"m","a":"1","a":"2"}]}',
    '[]',
    '"text"',
    '{"status":"success","data":[',
    'not json',
  ];
  for (const text of cases) {
    it(`reads ${text} as the whole-body decoder does`, async () => {
      await agree(text);
      await agree(text, 1);
    });
  }

  it('keeps one shape per name and label-name set, and counts every series', async () => {
    const data = Array.from({ length: 1000 }, (_, i) => ({
      __name__: `m${i % 3}`,
      namespace: 'ns',
      pod: `p${i}`,
    }));
    const got = await readSeriesBody(chunks(JSON.stringify({ status: 'success', data }), 100));
    assert.equal(got.count, 1000);
    assert.deepEqual(
      got.shapes.map((s) => [s.name, s.labelNames]),
      ['m0', 'm1', 'm2'].map((n) => [n, ['namespace', 'pod']]),
    );
  });

  it('agrees with the whole-body decoder on random series answers', async () => {
    const label = fc.constantFrom('__name__', 'pod', 'namespace', 'job', 'é');
    const value = fc.oneof(
      { weight: 5, arbitrary: fc.string({ maxLength: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    );
    const entry = fc.oneof(
      { weight: 8, arbitrary: fc.dictionary(label, value, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    );
    const doc = fc.record({
      status: fc.constantFrom('success', 'error'),
      errorType: fc.constantFrom('bad_data', 'timeout'),
      data: fc.oneof(fc.array(entry, { maxLength: 6 }), fc.constant(null)),
    });
    await fc.assert(
      fc.asyncProperty(doc, fc.integer({ min: 1, max: 40 }), async (d, size) => {
        await agree(JSON.stringify(d), size);
      }),
      { numRuns: 300 },
    );
  });
});
