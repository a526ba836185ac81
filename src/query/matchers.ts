/**
 * PromQL label matchers built from request data. Every value that reaches PromQL comes from a
 * client (object names, metric label selectors), so every value is escaped here, always:
 * quoted as a PromQL string literal and, inside regex matchers, regex-escaped first.
 */
import { goQuote } from '../lib/go-fmt/go-fmt.ts';
import type { LabelSelector, Requirement } from '../kubernetes/label-selector-types.ts';

/** A matcher that cannot be built; the message is upstream's where upstream has one. */
export class MatcherError extends Error {
  override readonly name = 'MatcherError';
}

const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A PromQL double-quoted string literal for any string, in place of upstream's Go `%q`: the same
 * output (`\"`, `\\`, `\n`, `\x01`, `\u00a0`, printable Unicode as is), except that U+FFFD and
 * lone surrogates are written `\ufffd`, which Prometheus accepts where `%q`'s raw U+FFFD is a
 * parse error. The result always lexes as exactly one string token that unquotes to the input.
 */
export const quoteLabelValue = (value: string): string => {
  if (PLAIN.test(value)) return `"${value}"`;
  // Go's %q keeps a literal U+FFFD (printable); PromQL rejects it, so it is escaped too.
  return goQuote(value).replace(/\uFFFD/g, '\\ufffd');
};

const REGEX_META = /[\\.+*?()|[\]{}^$]/;
const REGEX_META_ALL = new RegExp(REGEX_META.source, 'g');

/**
 * Escapes the RE2 metacharacters `\.+*?()|[]{}^$` (Go's regexp.QuoteMeta), so the value matches
 * only itself inside a Prometheus (fully anchored) regex matcher.
 */
export const escapeRegexValue = (value: string): string =>
  REGEX_META.test(value) ? value.replace(REGEX_META_ALL, '\\$&') : value;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The label name itself, or MatcherError: Prometheus 2.x has no quoted label names. */
const labelName = (name: string): string => {
  if (!LABEL_NAME.test(name)) {
    throw new MatcherError(`invalid Prometheus label name ${quoteLabelValue(name)}`);
  }
  return name;
};

/** `name="value"`. */
export const labelEq = (name: string, value: string): string =>
  `${labelName(name)}=${quoteLabelValue(value)}`;
/** `name!="value"`. */
export const labelNeq = (name: string, value: string): string =>
  `${labelName(name)}!=${quoteLabelValue(value)}`;
/** `name=~"regex"`: the regex is quoted, not escaped; pass escapeRegexValue output for literals. */
export const labelMatches = (name: string, regex: string): string =>
  `${labelName(name)}=~${quoteLabelValue(regex)}`;
/** `name!~"regex"`, as labelMatches. */
export const labelNotMatches = (name: string, regex: string): string =>
  `${labelName(name)}!~${quoteLabelValue(regex)}`;

/** The literal alternatives `v1|v2|...`, each value regex-escaped. */
const alternatives = (values: readonly string[]): string => values.map(escapeRegexValue).join('|');

/**
 * The matcher for the objects of a request: `label="n"` for one name, `label=~"n1|n2"` for more.
 * Deliberate deviation: upstream joins the names without regex-escaping, so `a.b` also matched
 * `axb`; we escape each name, so only the listed objects match. Throws MatcherError on no names.
 */
export const resourceMatcher = (label: string, names: readonly string[]): string => {
  const [first, ...rest] = names;
  if (first === undefined) throw new MatcherError('no resource names to match');
  return rest.length === 0 ? labelEq(label, first) : labelMatches(label, alternatives(names));
};

const requireValues = (r: Requirement): readonly string[] => {
  if (r.values.length === 0) throw new MatcherError('operator requires values');
  return r.values;
};
const requireNoValues = (r: Requirement): void => {
  if (r.values.length > 0) throw new MatcherError('operator does not support values');
};

const requirementMatcher = (r: Requirement): string => {
  if (r.key === '') throw new MatcherError('label not specified');
  switch (r.operator) {
    case 'gt':
    case 'lt':
      throw new MatcherError('operator not supported by prometheus');
    case 'equals': {
      const [only, ...more] = requireValues(r);
      return more.length === 0
        ? labelEq(r.key, only ?? '')
        : labelMatches(r.key, alternatives(r.values));
    }
    case 'notEquals': {
      const [only, ...more] = requireValues(r);
      return more.length === 0
        ? labelNeq(r.key, only ?? '')
        : labelNotMatches(r.key, alternatives(r.values));
    }
    case 'in':
      return labelMatches(r.key, alternatives(requireValues(r)));
    case 'notIn':
      return labelNotMatches(r.key, alternatives(requireValues(r)));
    case 'exists':
      requireNoValues(r);
      return labelNeq(r.key, '');
    case 'doesNotExist':
      requireNoValues(r);
      return labelEq(r.key, '');
  }
};

/**
 * The matchers for a metric label selector, in key order (upstream-behaviour: query): `=`/`!=` with
 * one value → `k="v"`/`k!="v"`, with more → `k=~"v1|v2"`/`k!~"v1|v2"`; `in`/`notin` → `k=~`/`k!~`;
 * exists → `k!=""`; `!k` → `k=""`. Errors (MatcherError, upstream's texts): an empty key
 * (`label not specified`), `>`/`<` (`operator not supported by prometheus`), a value-less `=`/`in`
 * (`operator requires values`), exists with values (`operator does not support values`).
 * Deliberate deviation: upstream pastes values into regex matchers unescaped, so `in (a.*)` was a
 * regex passthrough; the values are the client's, so we regex-escape them and `in (v)` matches `v`
 * literally. A key that is not a Prometheus label name (e.g. `app.kubernetes.io/name`) throws.
 */
export const selectorMatchers = (selector: LabelSelector): string[] =>
  selector.map(requirementMatcher);

/** The `.LabelMatchers` string: matchers joined by `,`. */
export const joinMatchers = (parts: readonly string[]): string => parts.join(',');
