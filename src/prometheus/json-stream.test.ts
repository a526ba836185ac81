import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createJsonTokenizer,
  JsonSyntaxError,
  MAX_DEPTH,
  type JsonHandler,
} from './json-stream.ts';

type Event = readonly [string, unknown?];

/** Records every event; wants every string, or none when `strings` is false. */
const recorder = (strings = true): JsonHandler & { events: Event[] } => {
  const events: Event[] = [];
  return {
    events,
    open: (kind) => events.push(['open', kind]),
    close: () => events.push(['close']),
    key: (k) => events.push(['key', k]),
    wantsString: () => strings,
    value: (v) => events.push(['value', v]),
  };
};

/** The events JSON.parse's tree implies (the oracle). */
const expected = (v: unknown, out: Event[] = []): Event[] => {
  if (Array.isArray(v)) {
    out.push(['open', 'array']);
    for (const x of v) expected(x, out);
    out.push(['close']);
  } else if (typeof v === 'object' && v !== null) {
    out.push(['open', 'object']);
    for (const [k, x] of Object.entries(v)) {
      out.push(['key', k]);
      expected(x, out);
    }
    out.push(['close']);
  } else {
    out.push(['value', v]);
  }
  return out;
};

/** Tokenizes `text` split into chunks at `cuts` (byte offsets). */
const tokenize = (text: string, cuts: readonly number[] = [], strings = true): Event[] => {
  const bytes = Buffer.from(text, 'utf8');
  const handler = recorder(strings);
  const t = createJsonTokenizer(handler);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    t.write(bytes.subarray(from, cut));
    from = cut;
  }
  t.write(bytes.subarray(from));
  t.end();
  return handler.events;
};

const everySplit = (text: string): void => {
  const want = expected(JSON.parse(text));
  const n = Buffer.byteLength(text);
  for (let cut = 0; cut <= n; cut++) assert.deepEqual(tokenize(text, [cut]), want, `cut ${cut}`);
  const oneByteChunks = Array.from({ length: n }, (_, i) => i);
  assert.deepEqual(tokenize(text, oneByteChunks), want, 'one byte at a time');
};

describe('JSON tokenizer', () => {
  const valid = [
    '{"status":"success","data":[{"__name__":"up","job":"x"}]}',
    ' [1, -2.5e+3, 0, 0.25, true, false, null, "", {}, []] ',
    '{"a":{"b":[{"c":"\\u00e9\\"\\\\\\/\\b\\f\\n\\r\\t"}]}}',
    '"h\\ud83d\\ude00llo ünïcode 😀"',
    '-0',
  ];
  for (const text of valid) {
    it(`reads ${text} in any chunking`, () => {
      everySplit(text);
    });
  }

  const invalid = [
    '',
    '{',
    '{"a" 1}',
    '{"a":1,}',
    '[1,]',
    '[1 2]',
    '{1:2}',
    '01',
    '1.',
    '.5',
    '+1',
    'tru',
    'nul',
    'truex',
    '"abc',
    '"a\\x"',
    '"\\u12g4"',
    '"tab\there"',
    '[}',
    '{]',
    ']',
    '{} {}',
    '{}x',
    "{'a':1}",
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)} as JSON.parse does`, () => {
      assert.throws(() => JSON.parse(text));
      assert.throws(() => tokenize(text), JsonSyntaxError);
    });
  }

  it('refuses nesting deeper than MAX_DEPTH', () => {
    tokenize('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH));
    assert.throws(() => tokenize('['.repeat(MAX_DEPTH + 1)), /nesting deeper/);
  });

  it('skips unwanted strings but still checks them', () => {
    assert.deepEqual(tokenize('{"k":"v\\n"}', [], false), [
      ['open', 'object'],
      ['key', 'k'],
      ['value', undefined],
      ['close'],
    ]);
    assert.throws(() => tokenize('{"k":"v\\q"}', [], false), JsonSyntaxError);
  });

  it('agrees with JSON.parse on random documents split at random points', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (value, raw) => {
          const text = JSON.stringify(value);
          const n = Buffer.byteLength(text);
          const cuts = raw.map((c) => c % (n + 1));
          assert.deepEqual(tokenize(text, cuts), expected(JSON.parse(text)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
