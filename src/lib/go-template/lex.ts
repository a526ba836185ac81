/**
 * Lexer of the Go text/template subset, with `<<` / `>>` delimiters. It mirrors the states of
 * Go's text/template/parse/lex.go: text, actions with `<<- ` / ` ->>` trim markers and
 * comment actions (`<</*` … star-slash `>>`). A lexing problem becomes one trailing `error` token, so the parser
 * reports errors in the same order as Go does.
 */
import { lexAction } from './lex-action.ts';
import {
  LEFT_DELIM,
  advance,
  atRightDelim,
  closeAction,
  isSpace,
  pushError,
  pushToken,
  type LexState,
  type Token,
} from './lex-core.ts';

/** `<<- ` : a minus followed by a space right after the left delimiter. */
const hasLeftTrimMarker = (input: string, at: number): boolean =>
  input[at] === '-' && isSpace(input[at + 1]);

const trimRightSpaces = (input: string, start: number, end: number): number => {
  let i = end;
  while (i > start && isSpace(input[i - 1])) i--;
  return i;
};

/** A comment action: skipped entirely, honouring trim markers on both sides. */
const lexComment = (st: LexState): boolean => {
  const end = st.input.indexOf('*/', st.pos + 2);
  if (end < 0) return pushError(st, 'unclosed comment');
  advance(st, end + 2);
  const { delim, trim } = atRightDelim(st.input, st.pos);
  if (!delim) return pushError(st, 'comment ends before closing delimiter');
  closeAction(st, trim);
  return true;
};

/** Text up to the next left delimiter, then the action or comment it opens. */
const lexTextAndAction = (st: LexState): boolean => {
  const { input } = st;
  const x = input.indexOf(LEFT_DELIM, st.pos);
  if (x < 0) {
    if (st.pos < input.length) pushToken(st, 'text', st.pos, input.length);
    advance(st, input.length);
    st.tokens.push({ kind: 'eof', text: '', pos: st.pos, line: st.line });
    return false;
  }
  const afterDelim = x + LEFT_DELIM.length;
  const trim = hasLeftTrimMarker(input, afterDelim);
  const textEnd = trim ? trimRightSpaces(input, st.pos, x) : x;
  if (textEnd > st.pos) pushToken(st, 'text', st.pos, textEnd);
  advance(st, x);
  const bodyStart = afterDelim + (trim ? 2 : 0);
  if (input.startsWith('/*', bodyStart)) {
    advance(st, bodyStart);
    return lexComment(st);
  }
  pushToken(st, 'leftDelim', x, afterDelim);
  advance(st, bodyStart);
  return lexAction(st);
};

/** Splits a template into tokens; the last token is `eof` or `error`. */
export const lex = (input: string): readonly Token[] => {
  const st: LexState = { input, pos: 0, line: 1, tokens: [] };
  while (lexTextAndAction(st));
  return st.tokens;
};
