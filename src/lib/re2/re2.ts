/**
 * Go RE2 regexes as JavaScript RegExps with RE2 semantics, for `seriesFilters`, `name.matches`
 * and the resource label template.
 *
 * The translation uses the `u` flag, so `.` and classes match whole code points as RE2 does,
 * `\p{…}` works, and every character is re-escaped by the translator (so `u`'s stricter
 * escaping never rejects valid RE2). Matching stays unanchored and leftmost-first, as Go's
 * `MatchString` / `FindStringSubmatchIndex`. Mapped: `(?P<n>…)` / `(?<n>…)` (names returned
 * in `groupNames`), `(?i)` (the JS `i` flag when it covers the whole regex, hand-folded ASCII
 * otherwise), `(?s)` and `(?m)` anywhere, `\A` `\z` `\Q…\E`, POSIX and Perl classes (ASCII,
 * so `\s` excludes `\v`), octal and `\x{…}` escapes. RE2's `$` without `(?m)` is end of text,
 * like JS without `m`. Rejected: lookaround, backreferences, possessive quantifiers, atomic
 * groups and the ungreedy flag `(?U)`, plus everything Go itself rejects, with Go's message.
 */
import { RegexError } from './error.ts';
import { translate } from './translate.ts';

export { RegexError } from './error.ts';

/** A compiled RE2 regex; immutable and safe to share. */
export interface Re2Regex {
  /** The RE2 source as written in the config. */
  readonly source: string;
  /** Unanchored, stateless (no `g` / `y`), so it can be shared. */
  readonly regex: RegExp;
  /** Go's `SubexpNames()`: index 0 is the whole match; "" for unnamed groups. */
  readonly groupNames: readonly string[];
  /** Go's `NumSubexp()`. */
  readonly groupCount: number;
}

/** Compiles an RE2 regex; throws RegexError on syntax RE2 (or this translation) rejects. */
export const compileRe2 = (source: string): Re2Regex => {
  let translation = translate(source, false);
  let flags = 'u';
  if (translation.folded && translation.unfolded) translation = translate(source, true);
  else if (translation.folded) flags += 'i';
  let regex: RegExp;
  try {
    regex = new RegExp(translation.source, flags);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new RegexError(`error parsing regexp: ${detail}: \`${source}\``, { cause: err });
  }
  const groupNames = Object.freeze([...translation.groupNames]);
  return Object.freeze({ source, regex, groupNames, groupCount: groupNames.length - 1 });
};
