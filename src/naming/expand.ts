/**
 * Go's `Regexp.ExpandString` template syntax, used by `name.as`: `$1`, `${1}`, `$name`,
 * `${name}` and `$$`. In the `$name` form the name is the longest run of letters, digits and
 * `_` (so `$1_per_second` names a group "1_per_second"); a reference to a group that does
 * not exist or did not participate expands to ""; a malformed `$` is kept literally.
 */

/** A literal, or the groups a reference may take its text from (the first that matched). */
type Piece = string | readonly number[];

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

interface Reference {
  readonly name: string;
  /** The group number, or -1 for a name (Go: digits only, no leading zero, below 1e8). */
  readonly num: number;
  readonly rest: string;
}

/** Go's `extract`: the reference at the start of `str` (after the `$`). */
const extract = (str: string): Reference | undefined => {
  const brace = str.startsWith('{');
  const s = brace ? str.slice(1) : str;
  let i = 0;
  while (i < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(i) ?? 0);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = s.slice(0, i);
  if (brace) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const ch of name) {
    if (ch < '0' || ch > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + Number(ch);
  }
  if (name.startsWith('0') && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
};

const candidates = (ref: Reference, groupNames: readonly string[]): readonly number[] =>
  ref.num >= 0
    ? [ref.num]
    : groupNames.flatMap((name, i) => (i > 0 && name === ref.name ? [i] : []));

const parse = (template: string, groupNames: readonly string[]): Piece[] => {
  const pieces: Piece[] = [];
  let literal = '';
  let rest = template;
  for (let dollar = rest.indexOf('$'); dollar >= 0; dollar = rest.indexOf('$')) {
    literal += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      literal += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extract(rest);
    if (ref === undefined) {
      literal += '$';
      continue;
    }
    pieces.push(literal, candidates(ref, groupNames));
    literal = '';
    rest = ref.rest;
  }
  pieces.push(literal + rest);
  return pieces.filter((p) => p !== '');
};

/** A compiled expansion template: call it with each match. */
export type Expansion = (match: RegExpExecArray) => string;

/** Compiles `template` for a regex with these group names (Go's `SubexpNames()`). */
export const compileExpansion = (template: string, groupNames: readonly string[]): Expansion => {
  const pieces = parse(template, groupNames);
  return (match) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out += piece;
        continue;
      }
      const group = piece.find((i) => match[i] !== undefined);
      out += group === undefined ? '' : (match[group] ?? '');
    }
    return out;
  };
};

/**
 * Go's `re.ExpandString(nil, template, src, match)`: the expansion of `template` only (not
 * the text around the match).
 */
export const expandTemplate = (
  template: string,
  match: RegExpExecArray,
  groupNames: readonly string[],
): string => compileExpansion(template, groupNames)(match);
