/**
 * Translates Go RE2 syntax into equivalent JavaScript (`u` flag) regex source, following Go's
 * `regexp/syntax` parser: groups (plain, `(?P<n>…)`, `(?<n>…)`, `(?:…)`, `(?flags)`,
 * `(?flags:…)`), repetitions and their limits, anchors, escapes and classes. Capture groups
 * are emitted unnamed, in the same order, so group numbers are unchanged; names are returned
 * separately (RE2 names may start with a digit or repeat, JS names may not).
 */
import { parseClass, foldOrbit, hasCase } from './class.ts';
import {
  PERL_CLASSES,
  classCharSource,
  codePointAt,
  literalSource,
  parseEscape,
  unicodeClass,
} from './chars.ts';
import { syntaxError, ungreedyUnsupported, unsupported } from './error.ts';

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

interface State {
  readonly src: string;
  pos: number;
  out: string;
  readonly names: string[];
  readonly stack: { readonly outer: Flags; readonly start: number }[];
  flags: Flags;
  /** Where the last repeatable item starts in `out`; assertions get wrapped before repeating. */
  atom: { readonly start: number; readonly assertion: boolean } | undefined;
  /** The previous token's text when it was a repetition operator. */
  lastRepeat: string | undefined;
  /** Apply `(?i)` by folding cases by hand (it covers only part of the regex). */
  readonly fold: boolean;
  folded: boolean;
  unfolded: boolean;
}

/** The JS source of a regex and what the translation found. */
export interface Translation {
  readonly source: string;
  /** Go's SubexpNames: "" for the whole match and unnamed groups. */
  readonly groupNames: readonly string[];
  /** Cased letters were matched under `(?i)` / without it. */
  readonly folded: boolean;
  readonly unfolded: boolean;
}

const emit = (st: State, js: string, assertion = false): void => {
  st.atom = { start: st.out.length, assertion };
  st.out += js;
};

const noteCase = (st: State, letters: boolean): void => {
  if (!letters) return;
  if (st.flags.i) st.folded = true;
  else st.unfolded = true;
};

const literal = (st: State, cp: number): void => {
  noteCase(st, hasCase(cp));
  const folded = st.fold && st.flags.i && hasCase(cp);
  emit(st, folded ? `[${foldOrbit(cp).map(classCharSource).join('')}]` : literalSource(cp));
};

/** `{n}`, `{n,}`, `{n,m}` at `at`, or undefined when `{` is a literal there (as in Go). */
const repeatCount = (
  src: string,
  at: number,
): { text: string; min: number; max: number } | undefined => {
  const m = /^\{(0|[1-9]\d*)(,(0|[1-9]\d*)?)?\}/.exec(src.slice(at));
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
  return { text: m[0], min, max };
};

const repeat = (st: State, op: string, prev: string | undefined): void => {
  let text = op;
  if (st.src[st.pos + op.length] === '?') text += '?';
  if (prev !== undefined) {
    if (op === '+') throw unsupported(`possessive quantifiers (${prev}+)`, st.src);
    throw syntaxError('invalid nested repetition operator', prev + text);
  }
  if (st.atom === undefined) throw syntaxError('missing argument to repetition operator', text);
  if (st.atom.assertion) {
    const { start } = st.atom;
    st.out = `${st.out.slice(0, start)}(?:${st.out.slice(start)})`;
    st.atom = { start, assertion: false };
  }
  st.out += text;
  st.lastRepeat = text;
  st.pos += text.length;
};

const LOOKAROUNDS: readonly [string, string][] = [
  ['(?=', 'lookahead (?=…)'],
  ['(?!', 'negative lookahead (?!…)'],
  ['(?<=', 'lookbehind (?<=…)'],
  ['(?<!', 'negative lookbehind (?<!…)'],
  ['(?>', 'atomic groups (?>…)'],
  ['(?P=', 'named backreferences (?P=name)'],
  ['(?P>', 'recursion (?P>name)'],
  ['(?#', 'comments (?#…)'],
  ['(?|', 'branch reset groups (?|…)'],
];

const namedGroup = (st: State, nameStart: number): void => {
  const close = st.src.indexOf('>', nameStart);
  if (close < 0) throw syntaxError('invalid named capture', st.src.slice(st.pos));
  const name = st.src.slice(nameStart, close);
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw syntaxError('invalid named capture', st.src.slice(st.pos, close + 1));
  st.names.push(name);
  st.stack.push({ outer: st.flags, start: st.out.length });
  st.out += '(';
  st.atom = undefined;
  st.pos = close + 1;
};

/** `(?flags)` or `(?flags:`, as Go's `parsePerlFlags`. */
const flagGroup = (st: State): void => {
  const flags: { i: boolean; m: boolean; s: boolean } = { ...st.flags };
  let negated = false;
  let sawFlag = false;
  for (let i = st.pos + 2; i < st.src.length;) {
    const c = st.src[i++] ?? '';
    if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
      if (c === 'U' && !negated) throw ungreedyUnsupported(st.src);
      if (c !== 'U') flags[c] = !negated;
      sawFlag = true;
    } else if (c === '-' && !negated) {
      [negated, sawFlag] = [true, false];
    } else if ((c === ':' || c === ')') && (!negated || sawFlag)) {
      if (c === ':') {
        st.stack.push({ outer: st.flags, start: st.out.length });
        st.out += '(?:';
        st.atom = undefined;
      }
      st.flags = flags;
      st.pos = i;
      return;
    } else {
      throw syntaxError('invalid or unsupported Perl syntax', st.src.slice(st.pos, i));
    }
  }
  throw syntaxError('missing closing )', st.src);
};

const openGroup = (st: State): void => {
  const { src, pos } = st;
  if (src[pos + 1] !== '?') {
    st.names.push('');
    st.stack.push({ outer: st.flags, start: st.out.length });
    st.out += '(';
    st.atom = undefined;
    st.pos++;
    return;
  }
  const lookaround = LOOKAROUNDS.find(([prefix]) => src.startsWith(prefix, pos));
  if (lookaround !== undefined) throw unsupported(lookaround[1], src);
  if (src.startsWith('(?P<', pos)) namedGroup(st, pos + 4);
  else if (src.startsWith('(?<', pos)) namedGroup(st, pos + 3);
  else flagGroup(st);
};

const closeGroup = (st: State): void => {
  const group = st.stack.pop();
  if (group === undefined) throw syntaxError('unexpected )', st.src);
  st.flags = group.outer;
  st.out += ')';
  st.atom = { start: group.start, assertion: false };
  st.pos++;
};

const ASSERTION_ESCAPES: Readonly<Record<string, string>> = { A: '^', z: '$', b: '\\b', B: '\\B' };

const escape = (st: State): void => {
  const { src, pos } = st;
  const c = src[pos + 1] ?? '';
  const assertion = ASSERTION_ESCAPES[c];
  if (assertion !== undefined) {
    emit(st, assertion, true);
    st.pos += 2;
    return;
  }
  if (c === 'C') throw syntaxError('invalid escape sequence', '\\C');
  if (c === 'Q') {
    const end = src.indexOf('\\E', pos + 2);
    const text = src.slice(pos + 2, end < 0 ? src.length : end);
    for (let i = 0; i < text.length;) {
      const { cp, next } = codePointAt(text, i);
      literal(st, cp);
      i = next;
    }
    st.pos = end < 0 ? src.length : end + 2;
    return;
  }
  const unicode = unicodeClass(src, pos);
  const perl = PERL_CLASSES[c];
  if (unicode !== undefined || perl !== undefined) {
    noteCase(st, unicode !== undefined || !'ds'.includes(c));
    emit(st, unicode?.js ?? perl?.outside ?? '');
    st.pos = unicode?.end ?? pos + 2;
    return;
  }
  const { cp, end } = parseEscape(src, pos, src);
  literal(st, cp);
  st.pos = end;
};

const TOKENS: Readonly<Record<string, (st: State) => void>> = {
  '(': openGroup,
  ')': closeGroup,
  '\\': escape,
  '[': (st) => {
    const cls = parseClass(st.src, st.pos, st.src, st.fold && st.flags.i);
    noteCase(st, cls.letters);
    emit(st, cls.js);
    st.pos = cls.end;
  },
  '|': (st) => {
    st.out += '|';
    st.atom = undefined;
    st.pos++;
  },
  '.': (st) => {
    emit(st, st.flags.s ? '[^]' : '[^\\n]');
    st.pos++;
  },
  '^': (st) => {
    emit(st, st.flags.m ? '(?<![^\\n])' : '^', true);
    st.pos++;
  },
  $: (st) => {
    emit(st, st.flags.m ? '(?![^\\n])' : '$', true);
    st.pos++;
  },
};

const step = (st: State): void => {
  const prev = st.lastRepeat;
  st.lastRepeat = undefined;
  const c = st.src[st.pos] ?? '';
  const count = c === '{' ? repeatCount(st.src, st.pos) : undefined;
  const token = TOKENS[c];
  if (c === '*' || c === '+' || c === '?') repeat(st, c, prev);
  else if (count !== undefined) {
    if (count.min > 1000 || count.max > 1000 || (count.max >= 0 && count.min > count.max)) {
      throw syntaxError('invalid repeat count', count.text);
    }
    repeat(st, count.text, prev);
  } else if (token !== undefined) token(st);
  else {
    const { cp, next } = codePointAt(st.src, st.pos);
    literal(st, cp);
    st.pos = next;
  }
};

/**
 * Translates `source`; with `fold`, `(?i)` parts are case-folded by hand instead of relying
 * on the JS `i` flag. Throws RegexError.
 */
export const translate = (source: string, fold: boolean): Translation => {
  const st: State = {
    src: source,
    pos: 0,
    out: '',
    names: [''],
    stack: [],
    flags: { i: false, m: false, s: false },
    atom: undefined,
    lastRepeat: undefined,
    fold,
    folded: false,
    unfolded: false,
  };
  while (st.pos < source.length) step(st);
  if (st.stack.length > 0) throw syntaxError('missing closing )', source);
  return { source: st.out, groupNames: st.names, folded: st.folded, unfolded: st.unfolded };
};
