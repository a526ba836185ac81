/**
 * Literal constants of the template language, decoded as Go does: `strconv.Unquote` for
 * strings, `strconv.UnquoteChar` for character constants and `parse.NumberNode` rules for
 * numbers. Each function throws a plain Error whose message is Go's ("invalid syntax",
 * `illegal number syntax: "1e"`); the parser turns it into a TemplateError.
 */
import { goQuote } from './quote.ts';

const SIMPLE: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
};

const HEX_WIDTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

interface Decoded {
  /** A code point, or a raw byte when `byte` is set (`\xff`, `\377`). */
  readonly value: number;
  readonly byte: boolean;
  readonly next: number;
}

const syntaxError = (): Error => new Error('invalid syntax');

/** Decodes the escape starting after the backslash at `i` (Go `strconv.UnquoteChar`). */
const decodeEscape = (s: string, i: number, quote: string): Decoded => {
  const c = s[i] ?? '';
  const simple = SIMPLE[c];
  if (simple !== undefined) {
    if ((c === "'" || c === '"') && c !== quote) throw syntaxError();
    return { value: simple, byte: false, next: i + 1 };
  }
  const width = HEX_WIDTH[c];
  if (width !== undefined) {
    const digits = s.slice(i + 1, i + 1 + width);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== width) throw syntaxError();
    const value = parseInt(digits, 16);
    if (c !== 'x' && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))) {
      throw syntaxError();
    }
    return { value, byte: c === 'x', next: i + 1 + width };
  }
  const octal = s.slice(i, i + 3);
  if (/^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 255) {
    return { value: parseInt(octal, 8), byte: true, next: i + 3 };
  }
  throw syntaxError();
};

/** Go `strconv.Unquote` for a `"…"` or `` `…` `` token. */
export const unquoteString = (token: string): string => {
  if (token.startsWith('`')) return token.slice(1, -1).replaceAll('\r', '');
  const body = token.slice(1, -1);
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length;) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
      continue;
    }
    const d = decodeEscape(body, i + 1, '"');
    bytes.push(...(d.byte ? [d.value] : encoder.encode(String.fromCodePoint(d.value))));
    i = d.next;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
};

/** A character constant such as `'a'` or `'\n'`: its code point. */
export const unquoteChar = (token: string): number => {
  const body = token.slice(1);
  let value: number;
  let next: number;
  if (body.startsWith('\\')) {
    ({ value, next } = decodeEscape(body, 1, "'"));
  } else {
    value = body.codePointAt(0) ?? 0;
    next = value > 0xffff ? 2 : 1;
    if (body[0] === "'") throw syntaxError();
  }
  if (body.slice(next) !== "'") throw new Error(`malformed character constant: ${token}`);
  return value;
};

/** A decoded number constant; `float` when Go would make it a float64 (`1.5`, `1e3`). */
export interface NumberConstant {
  readonly value: number;
  readonly float: boolean;
}

const INT_FORMS: readonly [RegExp, number][] = [
  [/^0[xX]_?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)$/, 16],
  [/^0[bB]_?([01]+(?:_[01]+)*)$/, 2],
  [/^0[oO]?_?([0-7]+(?:_[0-7]+)*)$/, 8],
  [/^([1-9][0-9]*(?:_[0-9]+)*|0)$/, 10],
];

const DECIMAL_FLOAT =
  /^(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$/;
const HEX_FLOAT = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

const parseUnsigned = (text: string): NumberConstant | undefined => {
  for (const [form, radix] of INT_FORMS) {
    const m = form.exec(text);
    if (m?.[1] !== undefined) {
      return { value: parseInt(m[1].replaceAll('_', ''), radix), float: false };
    }
  }
  if (DECIMAL_FLOAT.test(text)) {
    if (!/[.eE]/.test(text)) throw new Error(`integer overflow: ${goQuote(text)}`);
    return { value: Number(text.replaceAll('_', '')), float: true };
  }
  const hexFloat = HEX_FLOAT.exec(text);
  if (hexFloat === null) return undefined;
  const [, whole = '', frac = '', exp = '0'] = hexFloat;
  const mantissa = parseInt(`${whole}${frac}` || '0', 16) / 16 ** frac.length;
  return { value: mantissa * 2 ** Number(exp), float: true };
};

/** A number token: decimal, hex, octal or binary integer, or a float. */
export const parseNumber = (text: string): NumberConstant => {
  if (text.endsWith('i')) throw new Error(`complex constants are not supported: ${goQuote(text)}`);
  const negative = text.startsWith('-');
  const unsigned = parseUnsigned(/^[+-]/.test(text) ? text.slice(1) : text);
  if (unsigned === undefined) throw new Error(`illegal number syntax: ${goQuote(text)}`);
  if (!unsigned.float && !Number.isSafeInteger(unsigned.value)) {
    throw new Error(`${text} overflows int`);
  }
  const value = negative ? -unsigned.value : unsigned.value;
  return { value: unsigned.float ? value : value + 0, float: unsigned.float };
};
