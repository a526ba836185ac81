/**
 * RE2 bracket classes (Go `parseClass`) translated to JavaScript: `]` first is a literal,
 * POSIX, Perl and Unicode classes may appear inside, negated Perl / POSIX classes become
 * explicit ranges, and under a scoped `(?i)` ASCII letters are case-folded by hand.
 */
import {
  PERL_CLASSES,
  codePointAt,
  parseEscape,
  posixClass,
  rangesSource,
  unicodeClass,
  type Ranges,
} from './chars.ts';
import { syntaxError } from './error.ts';

/** Whether a code point has other cases (so `(?i)` matters for it). */
export const hasCase = (cp: number): boolean => {
  const c = String.fromCodePoint(cp);
  return c.toLowerCase() !== c.toUpperCase();
};

/** Extra simple case folds beyond toLowerCase/toUpperCase (Kelvin sign, long s). */
const SPECIAL_FOLDS: Readonly<Record<number, readonly number[]>> = {
  0x4b: [0x212a],
  0x6b: [0x212a],
  0x212a: [0x4b, 0x6b],
  0x53: [0x17f],
  0x73: [0x17f],
  0x17f: [0x53, 0x73],
};

/** The case-fold orbit of a code point (itself first). */
export const foldOrbit = (cp: number): number[] => {
  const c = String.fromCodePoint(cp);
  const variants = [c.toLowerCase(), c.toUpperCase()]
    .filter((x) => Array.from(x).length === 1)
    .map((x) => x.codePointAt(0) ?? cp);
  return [...new Set([cp, ...variants, ...(SPECIAL_FOLDS[cp] ?? [])])];
};

const ASCII_LETTERS: Ranges = [
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/** Adds the other ASCII case of each letter range (and the special folds it covers). */
const foldRanges = (ranges: Ranges): Ranges => {
  const out: (readonly [number, number])[] = [...ranges];
  for (const [lo, hi] of ranges) {
    for (const [alo, ahi] of ASCII_LETTERS) {
      const [l, h] = [Math.max(lo, alo), Math.min(hi, ahi)];
      if (l <= h) out.push(alo === 0x41 ? [l + 32, h + 32] : [l - 32, h - 32]);
    }
    for (const [key, extra] of Object.entries(SPECIAL_FOLDS)) {
      if (Number(key) >= lo && Number(key) <= hi) out.push(...extra.map((x) => [x, x] as const));
    }
  }
  return out;
};

const touchesLetters = (ranges: Ranges): boolean =>
  ranges.some(
    ([lo, hi]) => hi >= 0x80 || ASCII_LETTERS.some(([alo, ahi]) => lo <= ahi && hi >= alo),
  );

interface ClassItem {
  readonly js: string;
  readonly end: number;
  readonly letters: boolean;
}

/** What every item of one class is read against. */
interface ClassContext {
  readonly src: string;
  /** The text from the class's `[` on, which `missing closing ]` quotes. */
  readonly whole: string;
  readonly source: string;
  readonly fold: boolean;
}

/** A single character or range (Go `parseClassChar` and the `a-z` form). */
const charOrRange = ({ src, whole, source, fold }: ClassContext, at: number): ClassItem => {
  const one = (i: number): { cp: number; end: number } => {
    if (i >= src.length) throw syntaxError('missing closing ]', whole);
    if (src[i] === '\\') return parseEscape(src, i, source);
    const { cp, next } = codePointAt(src, i);
    return { cp, end: next };
  };
  const lo = one(at);
  let range: [number, number] = [lo.cp, lo.cp];
  let end = lo.end;
  if (src[end] === '-' && end + 1 < src.length && src[end + 1] !== ']') {
    const hi = one(end + 1);
    if (hi.cp < lo.cp) throw syntaxError('invalid character class range', src.slice(at, hi.end));
    [range, end] = [[lo.cp, hi.cp], hi.end];
  }
  const ranges: Ranges = fold ? foldRanges([range]) : [range];
  return { js: rangesSource(ranges), end, letters: touchesLetters([range]) };
};

/** One item of a class at `at`. */
const classItem = (cx: ClassContext, at: number): ClassItem => {
  const { src, fold } = cx;
  const posix = posixClass(src, at);
  if (posix !== undefined) {
    const ranges = fold ? foldRanges(posix.ranges) : posix.ranges;
    return { js: rangesSource(ranges), end: posix.end, letters: touchesLetters(posix.ranges) };
  }
  const unicode = unicodeClass(src, at);
  if (unicode !== undefined) return { ...unicode, letters: true };
  const perl = src[at] === '\\' ? PERL_CLASSES[src[at + 1] ?? ''] : undefined;
  if (perl !== undefined) {
    return { js: perl.inside, end: at + 2, letters: !'ds'.includes(src[at + 1] ?? '') };
  }
  return charOrRange(cx, at);
};

/**
 * The class starting with `[` at `at`: its JS source, where it ends, and whether it can
 * match cased letters. `fold` applies `(?i)` by hand (when it is scoped to part of a regex).
 */
export const parseClass = (src: string, at: number, source: string, fold: boolean): ClassItem => {
  const whole = src.slice(at);
  const cx: ClassContext = { src, whole, source, fold };
  let i = at + 1;
  const negated = src[i] === '^';
  if (negated) i++;
  const parts: string[] = [];
  let letters = false;
  for (let first = true; first || src[i] !== ']'; first = false) {
    if (i >= src.length) throw syntaxError('missing closing ]', whole);
    const item = classItem(cx, i);
    parts.push(item.js);
    letters ||= item.letters;
    i = item.end;
  }
  return { js: `[${negated ? '^' : ''}${parts.join('')}]`, end: i + 1, letters };
};
