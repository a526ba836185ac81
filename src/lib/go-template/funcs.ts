/**
 * Go's text/template builtins that work on values: `index`, `slice`, `len`, the comparisons
 * and the escapers. Each throws ExecFailure with Go's message; the evaluator prefixes
 * `error calling <name>: ` and the location.
 */
import { ExecFailure } from './error.ts';
import {
  sprint,
  NO_FLAGS,
  formatArg,
  isPrint,
  byteLength,
  isInt,
  isList,
  isRecord,
  typeName,
  utf8Bytes,
  zeroElement,
  type Value,
} from '../go-fmt/go-fmt.ts';

const fail = (message: string): never => {
  throw new ExecFailure(message);
};

const indexArg = (index: Value, cap: number): number => {
  if (index === undefined || index === null) return fail('cannot index slice/array with nil');
  if (typeof index !== 'number' || !isInt(index)) {
    return fail(`cannot index slice/array with type ${typeName(index)}`);
  }
  return index < 0 || index > cap ? fail(`index out of range: ${index}`) : index;
};

/** Go `index item i j…`: slices and strings by int (a string yields a byte), maps by key. */
export const index = (item: Value, indexes: readonly Value[]): Value => {
  if (item === undefined || item === null) return fail('index of untyped nil');
  let cur: Value = item;
  for (const ix of indexes) {
    if (typeof cur === 'string' || isList(cur)) {
      const len: number = typeof cur === 'string' ? byteLength(cur) : cur.length;
      const x = indexArg(ix, len);
      if (x === len)
        fail(`reflect: ${typeof cur === 'string' ? 'string' : 'slice'} index out of range`);
      cur = typeof cur === 'string' ? utf8Bytes(cur)[x] : cur[x];
    } else if (isRecord(cur)) {
      if (ix === undefined || ix === null) fail('value is nil; should be of type string');
      if (typeof ix !== 'string') fail(`value has type ${typeName(ix)}; should be string`);
      const key = ix as string;
      cur = Object.hasOwn(cur, key) ? cur[key] : zeroElement(cur);
    } else {
      fail(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
};

/** Go `slice item [i [j [k]]]` on strings (by byte) and slices. */
export const slice = (item: Value, indexes: readonly Value[]): Value => {
  if (item === undefined || item === null) return fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  if (typeof item === 'string' && indexes.length === 3) fail('cannot 3-index slice a string');
  if (typeof item !== 'string' && !isList(item))
    return fail(`can't slice item of type ${typeName(item)}`);
  const len = typeof item === 'string' ? byteLength(item) : item.length;
  const idx = [0, len, len];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, len);
  });
  const [i = 0, j = len, k = len] = idx;
  if (i > j) fail(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) fail(`invalid slice index: ${j} > ${k}`);
  if (isList(item)) return item.slice(i, j);
  return Buffer.from(utf8Bytes(item).subarray(i, j)).toString('utf8');
};

/** Go `len`: bytes of a string, elements of a slice or map. */
export const length = (item: Value): number => {
  if (item === undefined || item === null)
    return fail('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return byteLength(item);
  if (isList(item)) return item.length;
  if (isRecord(item)) return Object.keys(item).length;
  return fail(`len of type ${typeName(item)}`);
};

type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

const basicKind = (v: Value): BasicKind => {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt(v) ? 'int' : 'float';
  return typeof v === 'string' ? 'string' : 'other';
};

const incompatible = (a: Value, b: Value): never =>
  fail(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);

/** Go `eq a b…`: whether `a` equals any of the others (basic kinds only). */
export const eq = (a: Value, others: readonly Value[]): boolean => {
  if (others.length === 0) fail('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of others) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') incompatible(a, b);
    } else if (k1 === 'other') {
      fail(`non-comparable type ${formatArg(b, 's', NO_FLAGS)}: ${typeName(b)}`);
    } else if (k1 === 'invalid' || a === b) {
      return true;
    }
  }
  return false;
};

const UTF16_SURROGATE = /[\ud800-\udfff]/;

/** Go `lt a b`: ints, floats and strings (compared as UTF-8 bytes). */
export const lt = (a: Value, b: Value): boolean => {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') {
    return fail('invalid type for comparison');
  }
  if (k1 !== k2) return incompatible(a, b);
  if (k1 === 'bool') return fail('invalid type for comparison');
  if (typeof a === 'string' && typeof b === 'string' && UTF16_SURROGATE.test(a + b)) {
    return Buffer.compare(utf8Bytes(a), utf8Bytes(b)) < 0;
  }
  return (a as number | string) < (b as number | string);
};

/** Go `le a b`: `lt` or `eq`. */
export const le = (a: Value, b: Value): boolean => lt(a, b) || eq(a, [b]);

/** Go's `evalArgs`: one string argument as is, otherwise `fmt.Sprint` of the arguments. */
const evalArgs = (args: readonly Value[]): string => {
  const [first] = args;
  if (args.length === 1 && typeof first === 'string') return first;
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
};

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

/** Go `html`: `template.HTMLEscapeString` of the arguments. */
export const html = (args: readonly Value[]): string =>
  evalArgs(args).replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c] ?? c);

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

const jsEscapeRune = (c: string): string => {
  const fixed = JS_ESCAPES[c];
  if (fixed !== undefined) return fixed;
  const cp = c.codePointAt(0) ?? 0;
  if (cp >= 0x80 && isPrint(c)) return c;
  return `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
};

/** Go `js`: `template.JSEscapeString` of the arguments. */
export const js = (args: readonly Value[]): string =>
  evalArgs(args).replace(/[\\'"<>&=]|[^\u0020-\u007f]/gu, jsEscapeRune);

/** Go `urlquery`: `url.QueryEscape` of the arguments. */
export const urlquery = (args: readonly Value[]): string => {
  let out = '';
  for (const b of utf8Bytes(evalArgs(args))) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};
