/**
 * Single characters and named character classes of RE2 syntax, translated to JavaScript
 * (`u` flag) source: Go's `parseEscape`, Perl classes (`\d \s \w`, ASCII-only as in RE2),
 * POSIX classes (`[:alpha:]`) and Unicode classes (`\pL`, `\p{Greek}`, `\P{^Lu}`).
 */
import { syntaxError, unsupported } from './error.ts';

/** A code point and the index after it. */
export const codePointAt = (s: string, i: number): { cp: number; next: number } => {
  const cp = s.codePointAt(i) ?? 0;
  return { cp, next: i + (cp > 0xffff ? 2 : 1) };
};

const hex = (cp: number): string => cp.toString(16);

const SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** A literal code point outside a class, escaped for a `u`-flag JS regex. */
export const literalSource = (cp: number): string => {
  const c = String.fromCodePoint(cp);
  if (/^[A-Za-z0-9_]$/.test(c)) return c;
  if (SYNTAX.has(c)) return `\\${c}`;
  return cp >= 0x20 && cp < 0x7f ? c : `\\u{${hex(cp)}}`;
};

/** A code point inside a class, escaped for a `u`-flag JS regex. */
export const classCharSource = (cp: number): string =>
  /^[A-Za-z0-9_]$/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${hex(cp)}}`;

/** Inclusive code point ranges. */
export type Ranges = readonly (readonly [number, number])[];

/** Ranges as the inside of a JS class. */
export const rangesSource = (ranges: Ranges): string =>
  ranges
    .map(([lo, hi]) =>
      lo === hi ? classCharSource(lo) : `${classCharSource(lo)}-${classCharSource(hi)}`,
    )
    .join('');

/** The complement of sorted, disjoint ranges within all of Unicode. */
const complement = (ranges: Ranges): Ranges => {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
};

const SPACE: Ranges = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];

/** RE2's Perl classes; `inside` is for use within `[...]`. */
export const PERL_CLASSES: Readonly<
  Record<string, { readonly outside: string; readonly inside: string }>
> = {
  d: { outside: '\\d', inside: '\\d' },
  D: { outside: '\\D', inside: '\\D' },
  w: { outside: '\\w', inside: '\\w' },
  W: { outside: '\\W', inside: '\\W' },
  s: { outside: `[${rangesSource(SPACE)}]`, inside: rangesSource(SPACE) },
  S: { outside: `[^${rangesSource(SPACE)}]`, inside: rangesSource(complement(SPACE)) },
};

const r = (lo: string, hi = lo): readonly [number, number] => [lo.charCodeAt(0), hi.charCodeAt(0)];

/** RE2's ASCII POSIX classes. */
const POSIX: Readonly<Record<string, Ranges>> = {
  alnum: [r('0', '9'), r('A', 'Z'), r('a', 'z')],
  alpha: [r('A', 'Z'), r('a', 'z')],
  ascii: [[0, 0x7f]],
  blank: [r('\t'), r(' ')],
  cntrl: [
    [0, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [r('0', '9')],
  graph: [r('!', '~')],
  lower: [r('a', 'z')],
  print: [r(' ', '~')],
  punct: [r('!', '/'), r(':', '@'), r('[', '`'), r('{', '~')],
  space: [r('\t', '\r'), r(' ')],
  upper: [r('A', 'Z')],
  word: [r('0', '9'), r('A', 'Z'), r('_'), r('a', 'z')],
  xdigit: [r('0', '9'), r('A', 'F'), r('a', 'f')],
};

/** `[:name:]` or `[:^name:]` at `at` (inside a class); undefined when it is not one. */
export const posixClass = (
  src: string,
  at: number,
): { ranges: Ranges; end: number } | undefined => {
  if (!src.startsWith('[:', at)) return undefined;
  const close = src.indexOf(':]', at + 2);
  if (close < 0) return undefined;
  const text = src.slice(at, close + 2);
  const negated = src[at + 2] === '^';
  const ranges = POSIX[src.slice(at + (negated ? 3 : 2), close)];
  if (ranges === undefined) throw syntaxError('invalid character class range', text);
  return { ranges: negated ? complement(ranges) : ranges, end: close + 2 };
};

const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

const isValidProperty = (property: string): boolean => {
  try {
    new RegExp(`\\p{${property}}`, 'u');
    return true;
  } catch {
    return false;
  }
};

/** `\pN`, `\p{Name}`, `\PN`, `\p{^Name}` at `at`: a JS `\p{…}` / `\P{…}`. */
export const unicodeClass = (src: string, at: number): { js: string; end: number } | undefined => {
  const kind = src[at + 1];
  if (src[at] !== '\\' || (kind !== 'p' && kind !== 'P')) return undefined;
  let negated = kind === 'P';
  let name: string;
  let end: number;
  if (src[at + 2] === '{') {
    const close = src.indexOf('}', at);
    if (close < 0) throw syntaxError('invalid character class range', src.slice(at));
    [name, end] = [src.slice(at + 3, close), close + 1];
  } else {
    const { next } = codePointAt(src, at + 2);
    [name, end] = [src.slice(at + 2, next), next];
  }
  if (name.startsWith('^')) [negated, name] = [!negated, name.slice(1)];
  const property = name === 'Any' || CATEGORIES.has(name) ? name : `Script=${name}`;
  if (name === '' || !isValidProperty(property)) {
    throw syntaxError('invalid character class range', src.slice(at, end));
  }
  return { js: `\\${negated ? 'P' : 'p'}{${property}}`, end };
};

const C_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** `\xHH` or `\x{H…}` after the `x` at `at`: the code point, or where Go gives up. */
const hexEscape = (src: string, at: number): { cp: number; end: number; ok: boolean } => {
  if (src[at] !== '{') {
    const digits = src.slice(at, at + 2);
    const ok = /^[0-9a-fA-F]{2}$/.test(digits);
    return { cp: ok ? parseInt(digits, 16) : 0, end: at + digits.length, ok };
  }
  let cp = 0;
  for (let i = at + 1; i < src.length; i++) {
    if (src[i] === '}') return { cp, end: i + 1, ok: i > at + 1 };
    const digit = parseInt(src[i] ?? '', 16);
    if (Number.isNaN(digit)) return { cp, end: i + 1, ok: false };
    cp = cp * 16 + digit;
    if (cp > 0x10ffff) return { cp, end: i + 1, ok: false };
  }
  return { cp, end: src.length, ok: false };
};

/**
 * Go's `parseEscape` for the backslash at `at`: one code point. Backreferences and the
 * escapes RE2 rejects throw.
 */
export const parseEscape = (
  src: string,
  at: number,
  source: string,
): { cp: number; end: number } => {
  if (at + 1 >= src.length) throw syntaxError('trailing backslash at end of expression', '');
  const { cp, next } = codePointAt(src, at + 1);
  const c = String.fromCodePoint(cp);
  const invalid = (): never => {
    throw syntaxError('invalid escape sequence', src.slice(at, next));
  };
  if (cp < 0x80 && !/^[A-Za-z0-9]$/.test(c)) return { cp, end: next };
  if (/^[1-7]$/.test(c) && !/^[0-7]$/.test(src[next] ?? '')) {
    throw unsupported(`backreferences (${src.slice(at, next)})`, source);
  }
  if (/^[0-7]$/.test(c)) {
    const m = /^[0-7]{0,2}/.exec(src.slice(next))?.[0] ?? '';
    return { cp: parseInt(c + m, 8), end: next + m.length };
  }
  if (c === 'x') {
    const h = hexEscape(src, next);
    if (!h.ok) throw syntaxError('invalid escape sequence', src.slice(at, h.end));
    return { cp: h.cp, end: h.end };
  }
  const simple = C_ESCAPES[c];
  if (simple !== undefined) return { cp: simple, end: next };
  if (c === 'k' && src[next] === '<') throw unsupported('named backreferences (\\k<name>)', source);
  if (c === '8' || c === '9') throw unsupported(`backreferences (${src.slice(at, next)})`, source);
  return invalid();
};
