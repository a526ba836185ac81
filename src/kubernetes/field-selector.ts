/**
 * Kubernetes field selectors (`metadata.name=x,metadata.namespace!=y`) with the semantics of
 * apimachinery `fields.ParseSelector`: terms split on unescaped commas, `\,` `\=` `\\` escapes in
 * values, the same error texts. Field names are not checked here: which fields a resource supports
 * is the caller's business (pods and nodes support `metadata.name` and `metadata.namespace`).
 */
import { SelectorError } from './label-selector.ts';

/** One term of a field selector; `==` is read as `=`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** Splits on commas that are not escaped; the backslashes stay for unescapeValue. */
const splitTerms = (selector: string): string[] => {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '\\') i++;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  return [...terms, selector.slice(start)];
};

/** The first operator in the term wins, `!=` and `==` before `=` at the same position. */
const splitTerm = (term: string): FieldRequirement | undefined => {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) {
        const value = term.slice(i + op.length);
        return { field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', value };
      }
    }
  }
  return undefined;
};

const unescapeValue = (raw: string): string => {
  let out = '';
  let escaped = false;
  for (const ch of raw) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v, i.e. as its number.
      const rune = ch.codePointAt(0) ?? 0;
      throw new SelectorError(`invalid field selector: unescaped character in value: ${rune}`);
    } else out += ch;
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
};

/**
 * Parses a field selector as fields.ParseSelector does: terms sorted, empty terms skipped, a term
 * whose field and value are both empty dropped. Throws SelectorError with upstream's text, e.g.
 * `invalid selector: 'x'; can't understand 'x'`.
 */
export const parseFieldSelector = (text: string): readonly FieldRequirement[] => {
  const requirements: FieldRequirement[] = [];
  // Go sorts bytes and we sort UTF-16 units: the order differs only past U+FFFF, never in effect.
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (split === undefined) {
      throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    }
    const value = unescapeValue(split.value);
    if (split.field !== '' || value !== '') requirements.push({ ...split, value });
  }
  return requirements;
};

/**
 * Whether an object with these field values passes every requirement. A field the object does not
 * have reads as `""`, as in fields.Set.
 */
export const matchesFields = (
  requirements: readonly FieldRequirement[],
  fields: Readonly<Record<string, string>>,
): boolean =>
  requirements.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
