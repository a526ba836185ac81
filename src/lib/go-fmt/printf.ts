/**
 * Go's `fmt.Sprintf` for the `printf` builtin: flags `-+# 0`, width and precision (also `*`),
 * verbs `v s q d b o O x X c U e E f F g G t T` and `%%`, applied element-wise to slices and
 * maps. Errors are printed inline as Go does: `%!d(string=x)`, `%!d(MISSING)`,
 * `%!(EXTRA int=2)`, `%!(NOVERB)`.
 *
 * Deviation: a number with a float verb (`%f`, `%e`, `%g`) is always formatted as a float,
 * because integral numbers cannot be told apart from Go ints here.
 */
import { formatExp, formatFixed, formatFloatG, nonFinite } from './float.ts';
import { formatValue } from './print.ts';
import { goQuote, goQuoteRune } from './quote.ts';
import {
  StructValue,
  isInt,
  isList,
  sortedKeys,
  typeName,
  utf8Bytes,
  type TemplateValue,
  type Value,
} from './value.ts';

/** Flags, width and precision of one verb. */
export interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

/** No flags, width or precision: a bare verb. */
export const NO_FLAGS: Readonly<Spec> = Object.freeze({
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
});

const pad = (s: string, spec: Readonly<Spec>, zeroOk = spec.zero): string => {
  const missing = (spec.width ?? 0) - Array.from(s).length;
  if (missing <= 0) return s;
  if (spec.minus) return s + ' '.repeat(missing);
  if (!zeroOk) return ' '.repeat(missing) + s;
  const sign = /^[+\- ]/.test(s) ? (s[0] ?? '') : '';
  return sign + '0'.repeat(missing) + s.slice(sign.length);
};

const badVerb = (verb: string, v: Value): string =>
  v === null || v === undefined
    ? `%!${verb}(<nil>)`
    : `%!${verb}(${typeName(v)}=${formatValue(v)})`;

const signOf = (negative: boolean, spec: Readonly<Spec>): string =>
  negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';

const INT_RADIX: Readonly<Record<string, readonly [number, string]>> = {
  d: [10, ''],
  v: [10, ''],
  b: [2, '0b'],
  o: [8, '0'],
  O: [8, '0o'],
  x: [16, '0x'],
  X: [16, '0X'],
};

const formatInt = (n: number, verb: string, spec: Readonly<Spec>): string | undefined => {
  if (verb === 'c') return pad(String.fromCodePoint(n), spec);
  if (verb === 'q') return pad(goQuoteRune(n, spec.plus), spec);
  if (verb === 'U') {
    const hex = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
    return pad(spec.sharp ? `${hex} '${String.fromCodePoint(n)}'` : hex, spec);
  }
  const radix = INT_RADIX[verb];
  if (radix === undefined) return undefined;
  let digits = Math.abs(n).toString(radix[0]);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec !== undefined)
    digits = spec.prec === 0 && n === 0 ? '' : digits.padStart(spec.prec, '0');
  const prefix = verb === 'O' || (spec.sharp && radix[1] !== '') ? radix[1] : '';
  return pad(signOf(n < 0, spec) + prefix + digits, spec, spec.zero && spec.prec === undefined);
};

const formatFloat = (x: number, verb: string, spec: Readonly<Spec>): string | undefined => {
  const special = nonFinite(x);
  const sign = signOf(x < 0 || Object.is(x, -0), spec);
  const ax = Math.abs(x);
  let body: string;
  if (special !== undefined) body = special.replace(/^[+-]/, '');
  else if (verb === 'f' || verb === 'F') body = formatFixed(ax, spec.prec ?? 6);
  else if (verb === 'e' || verb === 'E') body = formatExp(ax, spec.prec ?? 6, verb === 'E');
  else if (verb === 'g' || verb === 'G' || verb === 'v') {
    body = formatFloatG(ax, spec.prec, verb === 'G');
  } else return undefined;
  return pad(sign + body, spec, spec.zero && special === undefined);
};

/** Go `strconv.CanBackquote`: no backquote, no control character but tab, no BOM. */
const canBackquote = (s: string): boolean => {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '`' || c === 0xfeff || c === 0x7f || (c < 0x20 && c !== 9)) return false;
  }
  return true;
};

const formatString = (s: string, verb: string, spec: Readonly<Spec>): string | undefined => {
  const cut = spec.prec === undefined ? s : Array.from(s).slice(0, spec.prec).join('');
  if (verb === 's' || verb === 'v') return pad(cut, spec);
  if (verb === 'q') {
    const raw = spec.sharp && canBackquote(cut);
    return pad(raw ? `\`${cut}\`` : goQuote(cut, spec.plus), spec);
  }
  if (verb !== 'x' && verb !== 'X') return undefined;
  const hex = [...utf8Bytes(cut)].map((b) => b.toString(16).padStart(2, '0'));
  const prefixed = spec.sharp && spec.space ? hex.map((h) => `0x${h}`) : hex;
  const joined = (spec.sharp && !spec.space ? '0x' : '') + prefixed.join(spec.space ? ' ' : '');
  return pad(verb === 'X' ? joined.toUpperCase() : joined, spec);
};

const FLOAT_VERBS = 'eEfFgG';

/** Formats one operand with one verb, as `printf` does (`%s` of an int gives `%!s(int=5)`). */
export const formatArg = (v: Value, verb: string, spec: Readonly<Spec>): string => {
  if (verb === 'T') return pad(v === null || v === undefined ? '<nil>' : typeName(v), spec);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', spec) : badVerb(verb, v);
  let out: string | undefined;
  if (typeof v === 'boolean') out = verb === 't' || verb === 'v' ? pad(String(v), spec) : undefined;
  else if (typeof v === 'number') {
    out =
      isInt(v) && !FLOAT_VERBS.includes(verb)
        ? formatInt(v, verb, spec)
        : formatFloat(v, verb, spec);
  } else if (typeof v === 'string') out = formatString(v, verb, spec);
  else if (v instanceof StructValue) {
    out = `{${Object.values(v.fields)
      .map((f) => formatArg(f, verb, spec))
      .join(' ')}}`;
  } else if (isList(v)) out = `[${v.map((e) => formatArg(e, verb, spec)).join(' ')}]`;
  else {
    const entries = sortedKeys(v).map(
      (k) => `${formatArg(k, verb, spec)}:${formatArg(v[k] as TemplateValue, verb, spec)}`,
    );
    out = `map[${entries.join(' ')}]`;
  }
  return out ?? badVerb(verb, v);
};

/** The cursor over `printf`'s arguments, with Go's explicit `%[n]` indexes. */
interface ArgCursor {
  readonly args: readonly Value[];
  num: number;
  reordered: boolean;
  good: boolean;
}

/** `[n]` at `i`: moves the cursor; returns the position after it and whether it was there. */
const argIndex = (format: string, i: number, cur: ArgCursor): [number, boolean] => {
  if (format[i] !== '[') return [i, false];
  cur.reordered = true;
  const close = format.indexOf(']', i);
  const digits = close < 0 ? '' : format.slice(i + 1, close);
  if (!/^\d+$/.test(digits)) {
    cur.good = false;
    return close < 0 ? [i + 1, false] : [close + 1, false];
  }
  const n = Number(digits) - 1;
  if (n >= 0 && n < cur.args.length) cur.num = n;
  else cur.good = false;
  return [close + 1, true];
};

const intArg = (cur: ArgCursor): number | undefined => {
  const v = cur.args[cur.num];
  if (cur.num < cur.args.length) cur.num++;
  return typeof v === 'number' && isInt(v) ? v : undefined;
};

const digitsAt = (format: string, i: number): [number | undefined, number] => {
  const m = /^\d+/.exec(format.slice(i));
  return m === null ? [undefined, i] : [Number(m[0]), i + m[0].length];
};

/** Flags, width and precision after a `%` (Go `doPrintf`); returns the verb position. */
const parseSpec = (
  format: string,
  start: number,
  cur: ArgCursor,
): { spec: Readonly<Spec>; at: number; out: string } => {
  const spec: Spec = { ...NO_FLAGS };
  let i = start;
  let out = '';
  for (let c = format[i]; c !== undefined && '-+# 0'.includes(c); c = format[++i]) {
    if (c === '-') [spec.minus, spec.zero] = [true, false];
    else if (c === '0') spec.zero = !spec.minus;
    else if (c === '+') spec.plus = true;
    else if (c === '#') spec.sharp = true;
    else spec.space = true;
  }
  let indexed: boolean;
  [i, indexed] = argIndex(format, i, cur);
  if (format[i] === '*') {
    spec.width = intArg(cur);
    if (spec.width === undefined) out += '%!(BADWIDTH)';
    else if (spec.width < 0) [spec.minus, spec.zero, spec.width] = [true, false, -spec.width];
    [i, indexed] = [i + 1, false];
  } else {
    [spec.width, i] = digitsAt(format, i);
    if (indexed && spec.width !== undefined) cur.good = false;
  }
  if (format[i] === '.' && i + 1 < format.length) {
    if (indexed) cur.good = false;
    [i, indexed] = argIndex(format, i + 1, cur);
    if (format[i] === '*') {
      spec.prec = intArg(cur);
      if (spec.prec === undefined) out += '%!(BADPREC)';
      else if (spec.prec < 0) spec.prec = undefined;
      [i, indexed] = [i + 1, false];
    } else {
      [spec.prec, i] = digitsAt(format, i);
      spec.prec ??= 0;
    }
  }
  if (!indexed) [i] = argIndex(format, i, cur);
  return { spec, at: i, out };
};

/** Go `fmt.Sprintf(format, args...)`. */
export const sprintf = (format: string, args: readonly Value[]): string => {
  let out = '';
  const cur: ArgCursor = { args, num: 0, reordered: false, good: true };
  for (let i = 0; i < format.length;) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    cur.good = true;
    const parsed = parseSpec(format, pct + 1, cur);
    out += parsed.out;
    if (parsed.at >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(parsed.at) ?? 0);
    i = parsed.at + verb.length;
    if (verb === '%') out += '%';
    else if (!cur.good) out += `%!${verb}(BADINDEX)`;
    else if (cur.num >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatArg(args[cur.num++], verb, parsed.spec);
  }
  if (!cur.reordered && cur.num < args.length) {
    const extra = args
      .slice(cur.num)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
};
