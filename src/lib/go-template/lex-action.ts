/**
 * The inside-an-action states of the template lexer (Go lex.go `lexInsideAction` and friends):
 * spaces, operators, quoted strings, characters, variables, fields, identifiers and numbers.
 */
import {
  RIGHT_DELIM,
  advance,
  atRightDelim,
  closeAction,
  isSpace,
  pushError,
  pushToken,
  type LexState,
  type TokenKind,
} from './lex-core.ts';
import { goQuote } from '../go-fmt/go-fmt.ts';

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `%#U`: `U+003E '>'`. */
const formatRune = (c: string): string => {
  const hex = (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return PRINTABLE.test(c) ? `U+${hex} '${c}'` : `U+${hex}`;
};

const charAt = (input: string, i: number): string =>
  i < input.length ? String.fromCodePoint(input.codePointAt(i) ?? 0) : '';

const scanAlnum = (input: string, from: number): number => {
  let i = from;
  for (let c = charAt(input, i); c !== '' && ALNUM.test(c); c = charAt(input, i)) i += c.length;
  return i;
};

/** Go `atTerminator`: what may follow a field, variable or identifier. */
const atTerminator = (input: string, i: number): boolean => {
  const c = input[i];
  if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
  return input.startsWith(RIGHT_DELIM, i);
};

const finishWord = (st: LexState, kind: TokenKind, end: number): boolean => {
  if (!atTerminator(st.input, end)) {
    advance(st, end);
    return pushError(st, `bad character ${formatRune(charAt(st.input, end))}`);
  }
  pushToken(st, kind, st.pos, end);
  advance(st, end);
  return true;
};

const lexFieldOrVariable = (st: LexState, kind: 'field' | 'variable'): boolean => {
  const start = st.pos + 1;
  if (atTerminator(st.input, start)) return finishWord(st, kind === 'field' ? 'dot' : kind, start);
  return finishWord(st, kind, scanAlnum(st.input, start));
};

const lexIdentifier = (st: LexState): boolean => {
  const end = scanAlnum(st.input, st.pos);
  const word = st.input.slice(st.pos, end);
  const kind: TokenKind = KEYWORDS.has(word)
    ? 'keyword'
    : word === 'true' || word === 'false'
      ? 'bool'
      : word === 'nil'
        ? 'nil'
        : 'identifier';
  return finishWord(st, kind, end);
};

/** A quoted token ending at `quote`; backslash escapes the next character. */
const lexQuoted = (st: LexState, quote: string, kind: TokenKind, what: string): boolean => {
  const { input } = st;
  for (let i = st.pos + 1; ; i++) {
    let c = input[i];
    if (c === '\\') c = input[++i];
    else if (c === quote) {
      pushToken(st, kind, st.pos, i + 1);
      advance(st, i + 1);
      return true;
    }
    if (c === undefined || c === '\n') return pushError(st, `unterminated ${what}`);
  }
};

const lexRawQuote = (st: LexState): boolean => {
  const end = st.input.indexOf('`', st.pos + 1);
  if (end < 0) return pushError(st, 'unterminated raw quoted string');
  pushToken(st, 'rawString', st.pos, end + 1);
  advance(st, end + 1);
  return true;
};

const acceptRun = (input: string, i: number, chars: string): number => {
  let j = i;
  while (j < input.length && chars.includes(input[j] ?? '')) j++;
  return j;
};

const accept = (input: string, i: number, chars: string): number =>
  i < input.length && chars.includes(input[i] ?? '') ? i + 1 : i;

/** Go `scanNumber`: the end of the number; not ok when an alphanumeric follows it. */
const scanNumber = (input: string, from: number): { end: number; ok: boolean } => {
  let i = accept(input, from, '+-');
  let digits = '0123456789_';
  if (input[i] === '0') {
    i++;
    if ('xX'.includes(input[i] ?? '#')) [i, digits] = [i + 1, '0123456789abcdefABCDEF_'];
    else if ('oO'.includes(input[i] ?? '#')) [i, digits] = [i + 1, '01234567_'];
    else if ('bB'.includes(input[i] ?? '#')) [i, digits] = [i + 1, '01_'];
  }
  i = acceptRun(input, i, digits);
  if (input[i] === '.') i = acceptRun(input, i + 1, digits);
  const exponent = digits.length === 11 ? 'eE' : digits.length === 23 ? 'pP' : '';
  if (exponent !== '' && exponent.includes(input[i] ?? '#')) {
    i = acceptRun(input, accept(input, i + 1, '+-'), '0123456789_');
  }
  i = accept(input, i, 'i');
  const next = charAt(input, i);
  return next !== '' && ALNUM.test(next)
    ? { end: i + next.length, ok: false }
    : { end: i, ok: true };
};

/** A number; `1+2i` style complex constants are lexed too (and rejected by the parser). */
const lexNumber = (st: LexState): boolean => {
  const { input } = st;
  let { end, ok } = scanNumber(input, st.pos);
  if (ok && '+-'.includes(input[end] ?? '#')) {
    const imag = scanNumber(input, end);
    ok = imag.ok && input[imag.end - 1] === 'i';
    end = imag.end;
  }
  if (!ok) return pushError(st, `bad number syntax: ${goQuote(input.slice(st.pos, end))}`);
  pushToken(st, 'number', st.pos, end);
  advance(st, end);
  return true;
};

/** Spaces; the last one is left alone when it starts a ` ->>` trim marker. */
const lexSpace = (st: LexState): boolean => {
  const { input } = st;
  let i = st.pos;
  while (isSpace(input[i])) i++;
  if (input[i] === '-' && input.startsWith(RIGHT_DELIM, i + 1)) i--;
  if (i > st.pos) pushToken(st, 'space', st.pos, i);
  advance(st, i);
  return true;
};

const single = (st: LexState, kind: TokenKind, length = 1): boolean => {
  pushToken(st, kind, st.pos, st.pos + length);
  advance(st, st.pos + length);
  return true;
};

/** One token inside an action, chosen by its first character. */
const lexOne = (st: LexState, c: string): boolean => {
  const next = st.input[st.pos + 1];
  if (isSpace(c)) return lexSpace(st);
  switch (c) {
    case '=':
      return single(st, 'assign');
    case ':':
      return next === '=' ? single(st, 'declare', 2) : pushError(st, 'expected :=');
    case '|':
      return single(st, 'pipe');
    case '"':
      return lexQuoted(st, '"', 'string', 'quoted string');
    case "'":
      return lexQuoted(st, "'", 'charConstant', 'character constant');
    case '`':
      return lexRawQuote(st);
    case '$':
      return lexFieldOrVariable(st, 'variable');
    case '.':
      if (next !== undefined && (next < '0' || next > '9')) return lexFieldOrVariable(st, 'field');
      return lexNumber(st);
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) return lexNumber(st);
  const rune = charAt(st.input, st.pos);
  if (ALNUM.test(rune)) return lexIdentifier(st);
  if (c < '\x7f' && c >= ' ') return single(st, 'char');
  return pushError(st, `unrecognized character in action: ${formatRune(rune)}`);
};

/** Lexes one action after its left delimiter; returns false once an error token is pushed. */
export const lexAction = (st: LexState): boolean => {
  let parenDepth = 0;
  for (;;) {
    const { delim, trim } = atRightDelim(st.input, st.pos);
    if (delim) {
      if (parenDepth !== 0) return pushError(st, 'unclosed left paren');
      pushToken(st, 'rightDelim', st.pos, st.pos + (trim ? 2 : 0) + RIGHT_DELIM.length);
      closeAction(st, trim);
      return true;
    }
    const c = st.input[st.pos];
    if (c === undefined) return pushError(st, 'unclosed action');
    if (c === '(') parenDepth++;
    if (c === ')' && --parenDepth < 0) return pushError(st, 'unexpected right paren');
    if (c === '(' || c === ')') single(st, c === '(' ? 'leftParen' : 'rightParen');
    else if (!lexOne(st, c)) return false;
  }
};
