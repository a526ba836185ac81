/**
 * Test oracle: the label matchers of every vector selector of a PromQL query, read with the
 * Prometheus project's own grammar (@prometheus-io/lezer-promql) and with string literals
 * unquoted by Go's rules as Prometheus's lexer and `strconv.Unquote` apply them. The syntax
 * check is src/query/'s (the grammar's error nodes); the unquoting is written independently of
 * src/, so it shares no code with the quoting it tests.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { checkPromql } from '../../src/query/promql-check.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface ParsedMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export class PromqlOracleError extends Error {
  override readonly name = 'PromqlOracleError';
}

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

const hexAt = (body: string, at: number, digits: number): number => {
  const hex = body.slice(at, at + digits);
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) {
    throw new PromqlOracleError(`bad hex escape at ${at} in ${body}`);
  }
  return parseInt(hex, 16);
};

const validRune = (cp: number): boolean => cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);

/** One escape after a backslash at `at` (pointing past it): [decoded UTF-8 bytes, next index]. */
const escapeAt = (body: string, at: number, quote: string): [number[], number] => {
  const c = body[at] ?? '';
  const simple = SIMPLE[c];
  if (simple !== undefined) return [[simple.charCodeAt(0)], at + 1];
  if (c === quote) return [[quote.charCodeAt(0)], at + 1];
  if (c === 'x') return [[hexAt(body, at + 1, 2)], at + 3];
  if (c === 'u' || c === 'U') {
    const digits = c === 'u' ? 4 : 8;
    const cp = hexAt(body, at + 1, digits);
    if (!validRune(cp)) throw new PromqlOracleError(`invalid code point escape in ${body}`);
    return [[...Buffer.from(String.fromCodePoint(cp), 'utf8')], at + 1 + digits];
  }
  if (/^[0-7]{3}$/.test(body.slice(at, at + 3))) {
    const v = parseInt(body.slice(at, at + 3), 8);
    if (v > 255) throw new PromqlOracleError(`octal escape out of range in ${body}`);
    return [[v], at + 3];
  }
  throw new PromqlOracleError(`unknown escape \\${c} in ${body}`);
};

/**
 * Go's strconv.Unquote for "…" and '…' (Prometheus accepts both as strings) and `…`, strict:
 * no raw newline in quoted forms, no raw U+FFFD (Prometheus's lexer refuses it), no lone
 * surrogate, valid UTF-8 as the result.
 */
export const unquoteGo = (literal: string): string => {
  const quote = literal[0] ?? '';
  if (literal.length < 2 || literal.at(-1) !== quote || !`"'\``.includes(quote)) {
    throw new PromqlOracleError(`not a string literal: ${literal}`);
  }
  const body = literal.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new PromqlOracleError(`backquote inside raw string`);
    return body.replaceAll('\r', '');
  }
  const bytes: number[] = [];
  for (let i = 0; i < body.length;) {
    const ch = String.fromCodePoint(body.codePointAt(i) ?? 0);
    if (ch === '\\') {
      const [decoded, next] = escapeAt(body, i + 1, quote);
      bytes.push(...decoded);
      i = next;
      continue;
    }
    if (ch === quote || ch === '\n' || ch === '\uFFFD' || !validRune(ch.codePointAt(0) ?? 0)) {
      throw new PromqlOracleError(`character ${JSON.stringify(ch)} not allowed raw in ${literal}`);
    }
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      Uint8Array.from(bytes),
    );
  } catch (err) {
    throw new PromqlOracleError(`invalid UTF-8 in ${literal}`, { cause: err });
  }
};

const OPS: Readonly<Record<string, MatchOp>> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};

type Tree = ReturnType<typeof parser.parse>;

type Node = NonNullable<ReturnType<Tree['resolve']>>;

/** One child of LabelMatchers as a matcher; a bare quoted name is `__name__="…"` (Prometheus 3). */
const matcherOf = (query: string, m: Node): ParsedMatcher | undefined => {
  const text = (n: Node) => query.slice(n.from, n.to);
  if (m.name === 'QuotedLabelName') {
    const lit = m.getChild('StringLiteral');
    if (lit === null) throw new PromqlOracleError(`empty quoted name in ${query}`);
    return { name: '__name__', op: '=', value: unquoteGo(text(lit)) };
  }
  if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') return undefined;
  const plain = m.getChild('LabelName');
  const quoted = m.getChild('QuotedLabelName')?.getChild('StringLiteral');
  const op = m.getChild('MatchOp')?.firstChild;
  const value = m.getChild('StringLiteral');
  const opName = op ? OPS[op.name] : undefined;
  if (opName === undefined || value === null || (plain === null && !quoted)) {
    throw new PromqlOracleError(`incomplete matcher ${text(m)} in ${query}`);
  }
  const name = plain !== null ? text(plain) : unquoteGo(text(quoted as Node));
  return { name, op: opName, value: unquoteGo(text(value)) };
};

export interface ParsedSelector {
  /** The metric name written before the braces, if any. */
  readonly metric: string | undefined;
  readonly matchers: readonly ParsedMatcher[];
}

/**
 * Every vector selector in source order: its metric name and its matchers. Throws
 * PromqlOracleError when the query does not parse or a literal is invalid.
 */
export const vectorSelectors = (query: string): ParsedSelector[] => {
  const bad = checkPromql(query);
  if (bad !== undefined) throw new PromqlOracleError(bad.message);
  const tree = parser.parse(query);
  const selectors: ParsedSelector[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const matchers: ParsedMatcher[] = [];
    for (const list of cursor.node.getChildren('LabelMatchers')) {
      for (let m = list.firstChild; m !== null; m = m.nextSibling) {
        const matcher = matcherOf(query, m);
        if (matcher !== undefined) matchers.push(matcher);
      }
    }
    const id = cursor.node.getChild('Identifier');
    selectors.push({ metric: id === null ? undefined : query.slice(id.from, id.to), matchers });
  } while (cursor.next());
  return selectors;
};

/** The matchers of each vector selector, in source order (the metric name is not among them). */
export const vectorSelectorMatchers = (query: string): (readonly ParsedMatcher[])[] =>
  vectorSelectors(query).map((s) => s.matchers);
