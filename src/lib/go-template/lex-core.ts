/**
 * Shared pieces of the template lexer: token shapes, the cursor and helpers used by both the
 * text state (template-lex.ts) and the action states (template-lex-action.ts).
 */
export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'dot'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'nil'
  | 'number'
  | 'charConstant'
  | 'string'
  | 'rawString'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'leftParen'
  | 'rightParen'
  | 'char'
  | 'eof'
  | 'error';

/** One lexical item with its position (for error messages). */
export interface Token {
  readonly kind: TokenKind;
  /** The token's source text; the message for `error` tokens. */
  readonly text: string;
  /** Offset in the template source. */
  readonly pos: number;
  readonly line: number;
}

/** The adapter's delimiters (upstream calls `Delims("<<", ">>")`). */
export const LEFT_DELIM = '<<';
export const RIGHT_DELIM = '>>';

/** Go lexer whitespace: space, tab, CR and LF. */
export const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** The cursor shared by the lexing states; `tokens` only grows. */
export interface LexState {
  readonly input: string;
  pos: number;
  line: number;
  readonly tokens: Token[];
}

/** The number of `\n` in a string. */
export const countNewlines = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** Moves the cursor to `to`, counting the newlines passed over. */
export const advance = (st: LexState, to: number): void => {
  st.line += countNewlines(st.input.slice(st.pos, to));
  st.pos = to;
};

/** Appends a token for `input[start, end)` on the current line. */
export const pushToken = (st: LexState, kind: TokenKind, start: number, end = st.pos): void => {
  st.tokens.push({ kind, text: st.input.slice(start, end), pos: start, line: st.line });
};

/** Appends the final error token; returns false to stop lexing. */
export const pushError = (st: LexState, message: string): false => {
  st.tokens.push({ kind: 'error', text: message, pos: st.pos, line: st.line });
  return false;
};

/** ` ->>` at `at`: whether the action ends here, and whether it trims what follows. */
export const atRightDelim = (input: string, at: number): { delim: boolean; trim: boolean } => {
  if (isSpace(input[at]) && input[at + 1] === '-' && input.startsWith(RIGHT_DELIM, at + 2)) {
    return { delim: true, trim: true };
  }
  return { delim: input.startsWith(RIGHT_DELIM, at), trim: false };
};

const skipSpaces = (input: string, from: number): number => {
  let i = from;
  while (isSpace(input[i])) i++;
  return i;
};

/** After the right delimiter (and its trim marker), continue with text. */
export const closeAction = (st: LexState, trim: boolean): void => {
  const after = st.pos + (trim ? 2 : 0) + RIGHT_DELIM.length;
  advance(st, trim ? skipSpaces(st.input, after) : after);
};
