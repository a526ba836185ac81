/**
 * `name` (upstream-behaviour: naming): series name → API metric name through `matches` (RE2,
 * unanchored, default `.*`) and `as` (Go `Regexp.Expand` syntax; default `$0` without capture
 * groups, `$1` with one, required otherwise). Only the expansion is returned, not the text
 * around the leftmost match.
 */
import type { DiscoveryRule } from '../config/types.ts';
import { goQuote } from '../lib/go-fmt/go-fmt.ts';
import { compileExpansion } from './expand.ts';
import { NamingError } from './naming-error.ts';
import { compileRe2, type Re2Regex } from '../lib/re2/re2.ts';

/** A compiled `name` section. */
export interface NameMapping {
  /** The effective regex source (`.*` when `matches` is empty). */
  readonly matches: string;
  /** The effective `as` template (after defaulting). */
  readonly as: string;
  /** The API metric name for a series name, or undefined when `matches` does not match it. */
  metricNameFor(seriesName: string): string | undefined;
}

const defaultAs = (re: Re2Regex, rule: DiscoveryRule): string => {
  if (re.groupCount === 0) return '$0';
  if (re.groupCount === 1) return '$1';
  throw new NamingError(
    `must specify an 'as' value for name matcher ${goQuote(rule.name?.matches ?? '')} associated with series query ${goQuote(rule.seriesQuery)}`,
  );
};

/** Compiles a rule's `name` section; throws NamingError with upstream's messages. */
export const compileNameMapping = (rule: DiscoveryRule): NameMapping => {
  const matches = rule.name?.matches ?? '';
  let re: Re2Regex;
  try {
    re = compileRe2(matches === '' ? '.*' : matches);
  } catch (err) {
    const message = `unable to compile series name match expression ${goQuote(matches)} associated with series query ${goQuote(rule.seriesQuery)}: ${(err as Error).message}`;
    throw new NamingError(message, { cause: err });
  }
  const as = rule.name?.as || defaultAs(re, rule);
  const expansion = compileExpansion(as, re.groupNames);
  const { regex } = re;
  return Object.freeze({
    matches: re.source,
    as,
    metricNameFor: (seriesName: string) => {
      const match = regex.exec(seriesName);
      return match === null ? undefined : expansion(match);
    },
  });
};
