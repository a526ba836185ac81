/**
 * Flag value types with spf13/pflag `Value.Set` semantics: how one occurrence's text becomes a
 * value, the Go error text when it cannot, and how repeated occurrences combine (lists replace
 * their default on the first occurrence and append afterwards).
 */
import { isIP } from 'node:net';
import { parseGoDuration } from '../lib/go-fmt/go-fmt.ts';

export type FlagType =
  | 'string'
  | 'bool'
  | 'int'
  | 'level'
  | 'float'
  | 'duration'
  | 'ip'
  | 'stringArray'
  | 'stringSlice'
  | 'namedCertKey';

/** `--tls-sni-cert-key cert,key[:name1,name2]` (k8s.io/component-base `NamedCertKey`). */
export interface NamedCertKey {
  readonly certFile: string;
  readonly keyFile: string;
  readonly names: readonly string[];
}

/** A parsed flag value; durations are milliseconds. */
export type FlagValue = string | boolean | number | readonly string[] | readonly NamedCertKey[];

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`. */
export const parseGoBool = (s: string): boolean => {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
};

const GO_INT_BASE0 =
  /^(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?\d)*)$/;

/** Go `strconv.ParseInt(s, base, bits)` for base 0 (prefixes, `_`) or 10. */
export const parseGoInt = (s: string, base: 0 | 10, bits: 32 | 64): number => {
  const fail = (why: string) => new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: ${why}`);
  const sign = s.startsWith('-') ? -1n : 1n;
  const body = s.replace(/^[-+]/, '');
  const ok = base === 0 ? GO_INT_BASE0.test(body) : /^\d+$/.test(body);
  if (!ok) throw fail('invalid syntax');
  const digits = body.replaceAll('_', '');
  const octal = base === 0 && /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const value = sign * BigInt(base === 10 ? digits : octal);
  const limit = 1n << BigInt(bits - 1);
  if (value >= limit || value < -limit) throw fail('value out of range');
  return Number(value);
};

/** Go `strconv.ParseFloat(s, 32)` for decimal forms, `inf` and `nan`. */
export const parseGoFloat32 = (s: string): number => {
  const fail = (why: string) =>
    new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: ${why}`);
  if (/^[-+]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(s)) return NaN;
  if (!/^[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d+)?$/.test(s)) {
    throw fail('invalid syntax');
  }
  const value = Number(s.replaceAll('_', ''));
  if (Math.abs(value) > 3.4028234663852886e38) throw fail('value out of range');
  return value;
};

/** One CSV record, as pflag's stringSlice reads it with encoding/csv. */
export const parseCsvRecord = (s: string): string[] => {
  if (s === '') return [];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      const m = /^"((?:[^"]|"")*)"/.exec(s.slice(i));
      if (m === null || (i + m[0].length < s.length && s[i + m[0].length] !== ',')) {
        throw new Error(
          `parse error on line 1, column ${s.length + 1}: extraneous or missing " in quoted-field`,
        );
      }
      field = (m[1] ?? '').replaceAll('""', '"');
      i += m[0].length;
    } else {
      const end = s.indexOf(',', i) < 0 ? s.length : s.indexOf(',', i);
      field = s.slice(i, end);
      const quote = field.indexOf('"');
      if (quote >= 0)
        throw new Error(
          `parse error on line 1, column ${i + quote + 1}: bare " in non-quoted-field`,
        );
      i = end;
    }
    fields.push(field);
    if (i >= s.length) return fields;
    i += 1; // the comma
  }
};

/** component-base `NamedCertKey.Set`. */
export const parseNamedCertKey = (s: string): NamedCertKey => {
  const colon = s.indexOf(':');
  const keyCert = (colon < 0 ? s : s.slice(0, colon)).trim();
  const namesText = colon < 0 ? undefined : s.slice(colon + 1).trim();
  if (namesText === '') throw new Error('empty names list is not allowed');
  const parts = keyCert.split(',');
  if (parts.length !== 2)
    throw new Error('expected comma separated certificate and key file paths');
  const names = namesText === undefined ? [] : namesText.split(',').map((n) => n.trim());
  return { certFile: (parts[0] ?? '').trim(), keyFile: (parts[1] ?? '').trim(), names };
};

const parseIp = (s: string): string => {
  const ip = s.trim();
  if (isIP(ip) === 0) throw new Error(`failed to parse IP: ${JSON.stringify(s)}`);
  return ip;
};

const listOf = <T>(previous: FlagValue, first: boolean, added: readonly T[]): readonly T[] =>
  first || !Array.isArray(previous) ? added : [...(previous as readonly T[]), ...added];

/**
 * Applies one occurrence of a flag: `previous` is the current value and `first` tells whether
 * the flag was already given. Throws an Error carrying Go's message on bad text.
 */
export const setFlagValue = (
  type: FlagType,
  text: string,
  previous: FlagValue,
  first: boolean,
): FlagValue => {
  switch (type) {
    case 'string':
      return text;
    case 'bool':
      return parseGoBool(text);
    case 'int':
      return parseGoInt(text, 0, 64);
    case 'level':
      return parseGoInt(text, 10, 32);
    case 'float':
      return parseGoFloat32(text);
    case 'duration':
      return parseGoDuration(text);
    case 'ip':
      return parseIp(text);
    case 'stringArray':
      return listOf(previous, first, [text]);
    case 'stringSlice':
      return listOf(previous, first, parseCsvRecord(text));
    case 'namedCertKey':
      return listOf(previous, first, [parseNamedCertKey(text)]);
  }
};
