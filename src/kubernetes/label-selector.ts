/**
 * Kubernetes label selectors with the semantics of apimachinery `labels.Parse`: the same grammar,
 * the same validation and the same error texts (`unable to parse requirement: ...`), plus
 * `Selector.String()` and `metav1.ParseToLabelSelector`. Our own code; upstream was only read.
 */
import type {
  LabelSelector as LabelSelectorJson,
  LabelSelectorRequirement,
} from 'kubernetes-types/meta/v1.js';
import type { LabelSelector, Requirement, SelectorOperator } from './label-selector-types.ts';
import {
  aggregateErrors,
  fieldInvalid,
  labelValueErrors,
  qualifiedNameErrors,
} from './label-validation.ts';

/** A label or field selector that does not parse; `message` is apimachinery's text. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

type Token = 'eos' | 'id' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';
interface Item {
  readonly tok: Token;
  readonly lit: string;
}
const TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>(
  ['in', 'notin', '(', ')', ',', '!', '=', '==', '!=', '>', '<'].map((t) => [t, t as Token]),
);
const EOS: Item = { tok: 'eos', lit: '' };
const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => ch.length === 1 && '=!(),><'.includes(ch);

/**
 * The lexer, byte for byte as Go's: NUL and the end of input both read as "\0"; a NUL inside the
 * text ends the selector when it starts a token and is skipped inside one.
 */
const tokenize = (s: string): Item[] => {
  const at = { pos: 0 };
  const read = (): string => (at.pos < s.length ? s.charAt(at.pos++) : '\0');
  const scan = (special: boolean): Item => {
    let buf = '';
    let last: Item | undefined;
    for (let ch = read(); ch !== '\0'; ch = read()) {
      if (special !== isSpecial(ch) || (!special && isSpace(ch))) {
        at.pos--;
        break;
      }
      buf += ch;
      if (!special) continue;
      const tok = TOKENS.get(buf);
      if (tok !== undefined) last = { tok, lit: buf };
      else if (last !== undefined) {
        at.pos--;
        break;
      }
    }
    // A lone special character is always a token, so `last` is set whenever `special` is.
    return special ? (last ?? EOS) : { tok: TOKENS.get(buf) ?? 'id', lit: buf };
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isSpace(ch)) ch = read();
    if (ch === '\0') return [...items, EOS];
    at.pos--;
    items.push(scan(isSpecial(ch)));
  }
};

/** Token cursor; in the "values" context the keywords `in`/`notin` are plain identifiers. */
const cursor = (items: readonly Item[]) => {
  let pos = 0;
  const view = (item: Item, values: boolean): Item =>
    values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  return {
    peek: (values = true): Item => view(items[pos] ?? EOS, values),
    next: (values = true): Item => view(items[pos++] ?? EOS, values),
  };
};
type Cursor = ReturnType<typeof cursor>;

const fail = (message: string): never => {
  throw new SelectorError(message);
};
const found = (lit: string, expected: string): never =>
  fail(`found '${lit}', expected: ${expected}`);

const BINARY_OPERATORS: ReadonlyMap<Token, SelectorOperator> = new Map<Token, SelectorOperator>([
  ['in', 'in'],
  ['notin', 'notIn'],
  ['=', 'equals'],
  ['==', 'equals'],
  ['!=', 'notEquals'],
  ['>', 'gt'],
  ['<', 'lt'],
]);

const parseKey = (c: Cursor): { key: string; operator: SelectorOperator | undefined } => {
  let item = c.next();
  const negated = item.tok === '!';
  if (negated) item = c.next();
  if (item.tok !== 'id') found(item.lit, 'identifier');
  const keyErrors = qualifiedNameErrors(item.lit);
  if (keyErrors.length > 0) fail(fieldInvalid('<nil>', item.lit, keyErrors));
  const unary = c.peek().tok === 'eos' || c.peek().tok === ',';
  return { key: item.lit, operator: negated ? 'doesNotExist' : unary ? 'exists' : undefined };
};

const parseIdentifiers = (c: Cursor): Set<string> => {
  const values = new Set<string>();
  for (;;) {
    const item = c.next();
    if (item.tok === 'id') {
      values.add(item.lit);
      const after = c.peek();
      if (after.tok === ')') return values;
      if (after.tok !== ',') found(after.lit, "',' or ')'");
    } else if (item.tok === ',') {
      // "(,", ",)" and ",," all contribute the empty value.
      if (values.size === 0) values.add('');
      if (c.peek().tok === ')') return values.add('');
      if (c.peek().tok === ',') {
        c.next();
        values.add('');
      }
    } else found(item.lit, "',', or identifier");
  }
};

const parseValues = (c: Cursor): Set<string> => {
  const open = c.next();
  if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
  const first = c.peek();
  if (first.tok === ')') {
    c.next();
    return new Set(['']); // "()" is the empty value
  }
  if (first.tok !== 'id' && first.tok !== ',') found(first.lit, "',', ')' or identifier");
  const values = parseIdentifiers(c);
  c.next(); // the ')' that parseIdentifiers saw
  return values;
};

const parseExactValue = (c: Cursor): Set<string> => {
  if (c.peek().tok === 'eos' || c.peek().tok === ',') return new Set(['']);
  const item = c.next();
  return item.tok === 'id' ? new Set([item.lit]) : found(item.lit, 'identifier');
};

const parseRequirement = (c: Cursor): Requirement => {
  const { key, operator } = parseKey(c);
  if (operator !== undefined) return { key, operator, values: [] };
  const op = c.next(false);
  const binary = BINARY_OPERATORS.get(op.tok);
  if (binary === undefined) return found(op.lit, 'in, notin, =, ==, !=, gt, lt');
  const set = binary === 'in' || binary === 'notIn' ? parseValues(c) : parseExactValue(c);
  const values = [...set].sort();
  const errors = valueErrors(key, binary, values);
  if (errors.length > 0) fail(aggregateErrors(errors));
  return { key, operator: binary, values };
};

/**
 * Parses a label selector (`a=b,c in (x,y),!d,e`) as apimachinery `labels.Parse` does.
 * Requirements come back stably sorted by key, values sorted and de-duplicated. `""` gives `[]`.
 * Throws SelectorError with apimachinery's message text.
 */
export const parseLabelSelector = (text: string): LabelSelector => {
  const c = cursor(tokenize(text));
  const requirements: Requirement[] = [];
  for (let item = c.peek(); item.tok !== 'eos'; item = c.peek()) {
    if (item.tok !== 'id' && item.tok !== '!') found(item.lit, "!, identifier, or 'end of string'");
    try {
      requirements.push(parseRequirement(c));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new SelectorError(`unable to parse requirement: ${message}`, { cause: err });
    }
    const sep = c.next();
    if (sep.tok === 'eos') break;
    if (sep.tok !== ',') found(sep.lit, "',' or 'end of string'");
    const next = c.peek();
    if (next.tok !== 'id' && next.tok !== '!') found(next.lit, "identifier after ','");
  }
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
};

const isInt64 = (s: string): boolean =>
  /^[+-]?[0-9]+$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;

/** The errors labels.NewRequirement would aggregate for these values (key already checked). */
const valueErrors = (key: string, op: SelectorOperator, values: readonly string[]): string[] => {
  const errors: string[] = [];
  if (op === 'gt' || op === 'lt') {
    const integer = "for 'Gt', 'Lt' operators, the value must be an integer";
    values.forEach((v, i) => isInt64(v) || errors.push(fieldInvalid(`values[${i}]`, v, [integer])));
  }
  values.forEach((v, i) => {
    const errs = labelValueErrors(v);
    if (errs.length > 0) errors.push(fieldInvalid(`values[${i}][${key}]`, v, errs));
  });
  return errors;
};

const OPERATOR_TEXT: Readonly<Record<SelectorOperator, string>> = {
  equals: '=',
  notEquals: '!=',
  in: ' in ',
  notIn: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  doesNotExist: '',
};

/** One requirement as labels.Requirement.String(): `a=b`, `a in (x,y)`, `a`, `!a`, `a>1`. */
const formatRequirement = (r: Requirement): string => {
  if (r.operator === 'exists') return r.key;
  if (r.operator === 'doesNotExist') return `!${r.key}`;
  const values = [...r.values].sort().join(',');
  const text = r.operator === 'in' || r.operator === 'notIn' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${text}`;
};

/**
 * The canonical string of labels.Selector.String(): requirements joined by `,` (`""` when empty).
 * `a==b` comes back as `a=b`: the shared contract does not keep the spelling, and both mean the same.
 */
export const formatLabelSelector = (selector: LabelSelector): string =>
  selector.map(formatRequirement).join(',');

const EXPRESSION_OPERATOR = {
  in: 'In',
  notIn: 'NotIn',
  notEquals: 'NotIn',
  exists: 'Exists',
  doesNotExist: 'DoesNotExist',
} as const;

/**
 * metav1.LabelSelector JSON for a parsed selector, as metav1.ParseToLabelSelector builds it:
 * `=`/`==` go to `matchLabels` (last one wins for a repeated key); `in`, `notin`, exists and `!k`
 * become `matchExpressions` in key order; empty fields are omitted (`omitempty`), so `[]` gives `{}`.
 * Deliberate deviation: upstream rejects `!=` (`"!=" is not a valid label selector operator`) and so
 * failed the whole request; we emit the equivalent `NotIn` with one value. `>`/`<` throw SelectorError.
 */
export const toLabelSelectorJson = (selector: LabelSelector): LabelSelectorJson => {
  const labels: [string, string][] = [];
  const expressions: LabelSelectorRequirement[] = [];
  for (const r of selector) {
    if (r.operator === 'gt' || r.operator === 'lt') {
      throw new SelectorError(`"${r.operator}" isn't supported in label selectors`);
    }
    if (r.operator !== 'equals') {
      const values = [...r.values].sort();
      const operator = EXPRESSION_OPERATOR[r.operator];
      expressions.push(
        values.length > 0 ? { key: r.key, operator, values } : { key: r.key, operator },
      );
    } else if (r.values.length === 1 && r.values[0] !== undefined)
      labels.push([r.key, r.values[0]]);
    else throw new SelectorError('equals operator must have exactly one value');
  }
  const json: LabelSelectorJson = {};
  if (labels.length > 0) json.matchLabels = Object.fromEntries(labels);
  if (expressions.length > 0) json.matchExpressions = expressions;
  return json;
};
