/**
 * When may the queries of several requests that differ only in their objects be answered by one
 * query over the union of the objects, split back by the object label? Decided on the parsed
 * PromQL (@prometheus-io/lezer-promql), never on the template text. Pure.
 *
 * `objectShape` reduces a query to its skeleton: every token, except that each positive matcher
 * on the object label (`label="a"`, `label=~"a|b"` with literal alternatives only) becomes a
 * placeholder and yields the set of names it selects. Two queries with the same skeleton differ
 * only in those sets. The skeleton is accepted only when it is *separable by the object label*:
 * the outermost expression is a plain aggregation `by (<label>)` (one output series per object),
 * and nothing underneath ever combines series of different objects — every aggregation keeps the
 * label (`by` with it, `without` without it), every vector match keeps it (`on` with it,
 * `ignoring` without it), and every function is per series. Then each output series for object n
 * is computed from the input series of n alone, which the per-request query (names N ∋ n) and the
 * union query (names U ⊇ N) select alike, so the union's sample for n is the per-request one.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNodeRef } from '@lezer/common';
import { unquoteString } from '../lib/go-fmt/go-fmt.ts';

export interface ObjectShape {
  /** The query's tokens with each object matcher as a placeholder. */
  readonly skeleton: string;
  /** The names each object matcher selects, in query order. */
  readonly objectSets: readonly (readonly string[])[];
  /** Where each object matcher is in the query text. */
  readonly matchers: readonly { readonly from: number; readonly to: number }[];
}

const TOP_AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'count', 'group']);
const INNER_AGGREGATIONS = new Set([
  ...TOP_AGGREGATIONS,
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
]);
/** Functions computed per series that keep (or ignore) the object label. */
const PER_SERIES_FUNCTIONS = new Set(
  (
    'abs ceil floor round exp ln log2 log10 sqrt sgn clamp clamp_min clamp_max rate irate ' +
    'increase delta idelta deriv predict_linear resets changes avg_over_time min_over_time ' +
    'max_over_time sum_over_time count_over_time quantile_over_time stddev_over_time ' +
    'stdvar_over_time last_over_time present_over_time mad_over_time histogram_quantile ' +
    'histogram_count histogram_sum histogram_avg histogram_fraction histogram_stddev ' +
    'histogram_stdvar timestamp time sort sort_desc minute hour day_of_week day_of_month ' +
    'day_of_year days_in_month month year acos acosh asin asinh atan atanh cos cosh sin sinh ' +
    'tan tanh deg rad pi holt_winters double_exponential_smoothing'
  ).split(' '),
);
const REGEX_META = new Set('\\.+*?()|[]{}^$');

/** The literal alternatives of an escaped `a|b\.c` regex; undefined when it is not just that. */
export const literalAlternatives = (regex: string): string[] | undefined => {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < regex.length; i++) {
    const c = regex.charAt(i);
    if (c === '\\') {
      const next = regex.charAt(i + 1);
      if (!REGEX_META.has(next)) return undefined;
      current += next;
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else if (REGEX_META.has(c)) return undefined;
    else current += c;
  }
  out.push(current);
  return out.some((a) => a === '') ? undefined : out;
};

const childrenOf = (node: SyntaxNodeRef): SyntaxNodeRef[] => {
  const out: SyntaxNodeRef[] = [];
  for (let c = node.node.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
};
const child = (node: SyntaxNodeRef, name: string) => childrenOf(node).find((c) => c.name === name);

/** The names a matcher on the object label selects, or undefined when not a literal set. */
const matcherSet = (query: string, matcher: SyntaxNodeRef): string[] | undefined => {
  const op = child(matcher, 'MatchOp')?.node.firstChild?.name;
  const literal = child(matcher, 'StringLiteral');
  if (literal === undefined || (op !== 'EqlSingle' && op !== 'EqlRegex')) return undefined;
  const text = query.slice(literal.from, literal.to);
  if (!text.startsWith('"') && !text.startsWith('`')) return undefined;
  let value: string;
  try {
    value = unquoteString(text);
  } catch {
    return undefined;
  }
  if (op === 'EqlSingle') return value === '' ? undefined : [value];
  return literalAlternatives(value);
};

const grouping = (query: string, node: SyntaxNodeRef | undefined) => {
  const kind = node === undefined ? undefined : childrenOf(node)[0]?.name;
  const labels = node === undefined ? undefined : child(node, 'GroupingLabels');
  const names = labels ? childrenOf(labels).map((l) => query.slice(l.from, l.to)) : [];
  return { kind, names };
};

/** Whether the aggregation/match modifier keeps the object label apart. */
const keepsLabel = (query: string, node: SyntaxNodeRef | undefined, label: string): boolean => {
  const g = grouping(query, node);
  if (g.kind === 'By' || g.kind === 'On') return g.names.includes(label);
  if (g.kind === 'Without' || g.kind === 'Ignoring') return !g.names.includes(label);
  return false;
};

const nameOf = (query: string, node: SyntaxNodeRef, wrapper: string): string => {
  const id = child(node, wrapper);
  return id === undefined ? '' : query.slice(id.from, id.to).toLowerCase();
};

/** Checks one node (not its children) for anything that mixes objects. */
const nodeSeparable = (query: string, node: SyntaxNodeRef, label: string): boolean => {
  switch (node.name) {
    case 'AggregateExpr':
      return (
        INNER_AGGREGATIONS.has(nameOf(query, node, 'AggregateOp')) &&
        keepsLabel(query, child(node, 'AggregateModifier'), label)
      );
    case 'FunctionCall':
      return PER_SERIES_FUNCTIONS.has(nameOf(query, node, 'FunctionIdentifier'));
    case 'MatchingModifierClause':
      return keepsLabel(query, node, label);
    case 'QuotedLabelMatcher':
    case 'QuotedLabelName':
      return false;
    default:
      return !node.type.isError;
  }
};

const topIsAggregationByLabel = (query: string, root: SyntaxNodeRef, label: string): boolean => {
  let top = childrenOf(root)[0];
  while (top?.name === 'ParenExpr') top = childrenOf(top).find((c) => c.name !== '(');
  if (top?.name !== 'AggregateExpr') return false;
  const g = grouping(query, child(top, 'AggregateModifier'));
  return (
    TOP_AGGREGATIONS.has(nameOf(query, top, 'AggregateOp')) &&
    g.kind === 'By' &&
    g.names.length === 1 &&
    g.names[0] === label
  );
};

/**
 * The skeleton and object sets of `query`, or undefined when the query is not separable by
 * `label` (then it must be run as it is).
 */
export const objectShape = (query: string, label: string): ObjectShape | undefined => {
  const root = parser.parse(query).topNode;
  const tokens: string[] = [];
  const objectSets: string[][] = [];
  const matchers: { from: number; to: number }[] = [];
  const walk = (node: SyntaxNodeRef): boolean => {
    if (!nodeSeparable(query, node, label)) return false;
    if (node.name === 'UnquotedLabelMatcher') {
      const name = child(node, 'LabelName');
      if (name !== undefined && query.slice(name.from, name.to) === label) {
        const set = matcherSet(query, node);
        objectSets.push(set ?? []);
        matchers.push({ from: node.from, to: node.to });
        tokens.push('\u0000objects');
        return set !== undefined;
      }
    }
    const kids = childrenOf(node);
    if (kids.length === 0) {
      tokens.push(`${node.name}:${query.slice(node.from, node.to)}`);
      return true;
    }
    tokens.push(`${node.name}(`);
    const ok = kids.every(walk);
    tokens.push(')');
    return ok;
  };
  const ok = topIsAggregationByLabel(query, root, label) && walk(root);
  return ok && objectSets.length > 0
    ? { skeleton: tokens.join('\u0001'), objectSets, matchers }
    : undefined;
};

const sameSet = (a: readonly string[], b: ReadonlySet<string>): boolean =>
  new Set(a).size === b.size && a.every((x) => b.has(x));

/** Every object matcher of `shape` selects exactly `names`. */
export const selectsExactly = (shape: ObjectShape, names: readonly string[]): boolean => {
  const want = new Set(names);
  return shape.objectSets.every((s) => sameSet(s, want));
};

/**
 * `query` (of `shape`) with every object matcher replaced by `label!=""`: every object's series
 * instead of a listed few. Separable by the label, the query then answers each listed object
 * exactly as before, and others besides.
 */
export const everyObject = (query: string, shape: ObjectShape, label: string): string => {
  let out = '';
  let at = 0;
  for (const m of shape.matchers) {
    out += `${query.slice(at, m.from)}${label}!=""`;
    at = m.to;
  }
  return out + query.slice(at);
};
