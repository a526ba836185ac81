/**
 * fast-check generators of hostile input shared by the property tests: strings built from
 * quotes, backslashes, newlines, Unicode, regex metacharacters and PromQL fragments, label
 * selectors (as requirements and as text), request paths and query strings.
 */
import fc from 'fast-check';
import type { Requirement, SelectorOperator } from '../../src/kubernetes/label-selector-types.ts';

/** Pieces that have broken query builders somewhere: quoting, regex, PromQL, paths, Unicode. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  '"',
  "'",
  '`',
  '\\',
  '\\\\',
  '\\"',
  '\n',
  '\r',
  '\t',
  '\x00',
  '\x7f',
  '"}) or vector(1) #',
  '"} or vector(1) #',
  "'}) or on() vector(1) #",
  '{',
  '}',
  ',',
  '=~',
  '!~',
  '!=',
  '.*',
  '.+',
  '|',
  '(',
  ')',
  '[',
  ']',
  '^',
  '$',
  '?',
  '+',
  '*',
  '\\Q',
  '\\E',
  '\\x{41}',
  '(?i)',
  '<<',
  '>>',
  '{{.}}',
  '%',
  '%2F',
  '%00',
  '..',
  '/',
  '//',
  '#',
  ' ',
  'é',
  'ß',
  '日本',
  '😀',
  '\uFFFD',
  '\u2028',
  '\u00a0',
  '\u200d',
  '\u202e',
  '\uFEFF',
  'a',
  'Z',
  '0',
  '-',
  '.',
  '_',
];

const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** Any Unicode text without lone surrogates (a JS string a request could really carry). */
export const unicodeText = (maxLength = 8): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength }).filter((s) => WELL_FORMED.test(s));

/** A hostile string: fragments, random Unicode and plain characters, concatenated. */
export const hostileString = (maxParts = 6): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS) },
        { weight: 2, arbitrary: unicodeText(4) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 4 }) },
      ),
      { maxLength: maxParts },
    )
    .map((parts) => parts.join(''));

/** A non-empty hostile string (object names, namespaces). */
export const hostileName = (): fc.Arbitrary<string> => hostileString().filter((s) => s !== '');

/** Valid Prometheus label names that are not resource labels of the test rules. */
export const PROM_LABEL_NAMES: readonly string[] = ['app', 'env', 'le', 'a_b', '_x', 'K9', 'tier'];

/** Keys a client may send that are not Prometheus label names (must be refused, not pasted). */
export const NON_PROM_LABEL_NAMES: readonly string[] = [
  'app.kubernetes.io/name',
  'a-b',
  '9a',
  'a"b',
  'a}',
  'a=~"x"} or vector(1) #',
  'é',
  'a\nb',
];

const OPERATORS: readonly SelectorOperator[] = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'exists',
  'doesNotExist',
];

/** One requirement as the parser would produce it (values sorted, unique), values hostile. */
export const hostileRequirement = (
  keys: fc.Arbitrary<string> = fc.constantFrom(...PROM_LABEL_NAMES),
): fc.Arbitrary<Requirement> =>
  fc
    .record({
      key: keys,
      operator: fc.constantFrom(...OPERATORS),
      values: fc.uniqueArray(hostileString(), { minLength: 1, maxLength: 4 }),
    })
    .map(({ key, operator, values }) => {
      const sorted = [...values].sort();
      if (operator === 'exists' || operator === 'doesNotExist')
        return { key, operator, values: [] };
      const single = operator === 'equals' || operator === 'notEquals';
      return { key, operator, values: single ? sorted.slice(0, 1) : sorted };
    });

/** A selector (requirements sorted by key, as parsed), hostile values, valid Prometheus keys. */
export const hostileSelector = (maxLength = 3): fc.Arbitrary<Requirement[]> =>
  fc
    .uniqueArray(hostileRequirement(), { maxLength, selector: (r) => r.key })
    .map((rs) => rs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));

/** Some keys are not Prometheus label names, or `>`/`<` appear: the query cannot be built. */
export const unbuildableSelector = (): fc.Arbitrary<Requirement[]> =>
  fc.oneof(
    hostileRequirement(fc.constantFrom(...NON_PROM_LABEL_NAMES)).map((r) => [r]),
    fc
      .record({ key: fc.constantFrom(...PROM_LABEL_NAMES), op: fc.constantFrom('gt', 'lt') })
      .map(({ key, op }): Requirement[] => [{ key, operator: op, values: ['1'] }]),
  );

/** Label selector text: mostly selector syntax with hostile tokens spliced in. */
export const labelSelectorText = (): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...PROM_LABEL_NAMES, ...NON_PROM_LABEL_NAMES),
        fc.constantFrom('=', '==', '!=', ' in ', ' notin ', '(', ')', ',', '!', '>', '<', ' '),
        fc.constantFrom('v', 'a.b', 'x-y', 'A_1', '0', ''),
        hostileString(2),
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join(''));
