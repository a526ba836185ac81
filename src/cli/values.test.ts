import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCsvRecord,
  parseGoBool,
  parseGoFloat32,
  parseGoInt,
  parseNamedCertKey,
  setFlagValue,
} from './values.ts';

describe('parseGoBool', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True'])
    it(`reads ${t}`, () => {
      assert.equal(parseGoBool(t), true);
    });
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False'])
    it(`reads ${f}`, () => {
      assert.equal(parseGoBool(f), false);
    });
  it('rejects yes', () => {
    assert.throws(() => parseGoBool('yes'), {
      message: 'strconv.ParseBool: parsing "yes": invalid syntax',
    });
  });
});

describe('parseGoInt', () => {
  const good: readonly (readonly [string, 0 | 10, number])[] = [
    ['443', 0, 443],
    ['-5', 0, -5],
    ['+7', 0, 7],
    ['0x1BB', 0, 443],
    ['0o17', 0, 15],
    ['017', 0, 15],
    ['0b101', 0, 5],
    ['1_000', 0, 1000],
    ['0', 0, 0],
    ['4', 10, 4],
    ['010', 10, 10],
  ];
  for (const [text, base, want] of good) {
    it(`reads ${text} (base ${base})`, () => {
      assert.equal(parseGoInt(text, base, 64), want);
    });
  }
  const bad: readonly (readonly [string, 0 | 10, 32 | 64, string])[] = [
    ['abc', 0, 64, 'invalid syntax'],
    ['', 0, 64, 'invalid syntax'],
    ['08', 0, 64, 'invalid syntax'],
    ['1_000', 10, 32, 'invalid syntax'],
    ['1.5', 0, 64, 'invalid syntax'],
    ['9223372036854775808', 0, 64, 'value out of range'],
    ['2147483648', 10, 32, 'value out of range'],
  ];
  for (const [text, base, bits, why] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseGoInt(text, base, bits), {
        message: `strconv.ParseInt: parsing ${JSON.stringify(text)}: ${why}`,
      });
    });
  }
});

describe('parseGoFloat32', () => {
  for (const [text, want] of [
    ['5', 5],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-Inf', -Infinity],
  ] as const) {
    it(`reads ${text}`, () => {
      assert.equal(parseGoFloat32(text), want);
    });
  }
  it('reads NaN', () => {
    assert.ok(Number.isNaN(parseGoFloat32('nan')));
  });
  it('rejects junk and overflow', () => {
    assert.throws(() => parseGoFloat32('fast'), {
      message: 'strconv.ParseFloat: parsing "fast": invalid syntax',
    });
    assert.throws(() => parseGoFloat32('1e39'), {
      message: 'strconv.ParseFloat: parsing "1e39": value out of range',
    });
  });
});

describe('parseCsvRecord', () => {
  const table: readonly (readonly [string, readonly string[]])[] = [
    ['', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    ['a,,b', ['a', '', 'b']],
    ['a, b', ['a', ' b']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi"""', ['say "hi"']],
    ['a,', ['a', '']],
  ];
  for (const [text, want] of table) {
    it(`splits ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseCsvRecord(text), want);
    });
  }
  it('rejects stray quotes', () => {
    assert.throws(() => parseCsvRecord('a"b'), {
      message: 'parse error on line 1, column 2: bare " in non-quoted-field',
    });
    assert.throws(() => parseCsvRecord('"a"b'), /extraneous or missing " in quoted-field/);
  });
});

describe('parseNamedCertKey', () => {
  it('reads cert,key and optional names', () => {
    assert.deepEqual(parseNamedCertKey('a.crt,a.key'), {
      certFile: 'a.crt',
      keyFile: 'a.key',
      names: [],
    });
    assert.deepEqual(parseNamedCertKey(' a.crt , a.key :*.foo.com, foo.com'), {
      certFile: 'a.crt',
      keyFile: 'a.key',
      names: ['*.foo.com', 'foo.com'],
    });
  });
  it('rejects malformed values', () => {
    assert.throws(() => parseNamedCertKey('a.crt'), {
      message: 'expected comma separated certificate and key file paths',
    });
    assert.throws(() => parseNamedCertKey('a.crt,a.key:'), {
      message: 'empty names list is not allowed',
    });
  });
});

describe('setFlagValue', () => {
  it('replaces list defaults on the first occurrence and appends afterwards', () => {
    const first = setFlagValue('stringSlice', 'a,b', ['default'], true);
    assert.deepEqual(first, ['a', 'b']);
    assert.deepEqual(setFlagValue('stringSlice', 'c', first, false), ['a', 'b', 'c']);
    assert.deepEqual(setFlagValue('stringArray', 'x,y', ['default'], true), ['x,y']);
  });
  it('parses durations to milliseconds and validates IPs', () => {
    assert.equal(setFlagValue('duration', '1m30s', 0, true), 90_000);
    assert.equal(setFlagValue('ip', ' ::1 ', '', true), '::1');
    assert.throws(() => setFlagValue('ip', 'host', '', true), {
      message: 'failed to parse IP: "host"',
    });
  });
});
