/**
 * `seriesFilters` (upstream-behaviour: filters): keep a series if its name matches (`is`) or does
 * not match (`isNot`) an unanchored RE2 regex; all filters must pass. A non-empty
 * `name.matches` adds an implicit `is` filter at the end.
 */
import type { DiscoveryRule, RegexFilter } from '../config/types.ts';
import { goQuote } from '../lib/go-fmt/go-fmt.ts';
import { NamingError } from './naming-error.ts';
import { compileRe2 } from '../lib/re2/re2.ts';

/** Whether a series (by its `__name__`) is kept by a rule. */
export type SeriesFilter = (seriesName: string) => boolean;

const compileMatcher = (filter: RegexFilter): SeriesFilter => {
  const is = filter.is ?? '';
  const isNot = filter.isNot ?? '';
  if (is !== '' && isNot !== '') {
    throw new Error(
      `cannot have both an \`is\` (${goQuote(is)}) and \`isNot\` (${goQuote(isNot)}) expression in a single filter`,
    );
  }
  if (is === '' && isNot === '') {
    throw new Error('must have either an `is` or `isNot` expression in a filter');
  }
  const source = is !== '' ? is : isNot;
  let regex: RegExp;
  try {
    ({ regex } = compileRe2(source));
  } catch (err) {
    throw new Error(
      `unable to compile series filter ${goQuote(source)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const positive = is !== '';
  return (name) => regex.test(name) === positive;
};

const wrapped = (filter: RegexFilter, context: string): SeriesFilter => {
  try {
    return compileMatcher(filter);
  } catch (err) {
    throw new NamingError(`${context}: ${(err as Error).message}`, { cause: err });
  }
};

/** Compiles a rule's filters; throws NamingError with upstream's messages. */
export const compileSeriesFilter = (rule: DiscoveryRule): SeriesFilter => {
  const query = goQuote(rule.seriesQuery);
  const matchers = (rule.seriesFilters ?? []).map((filter) =>
    wrapped(filter, `unable to generate series name filter associated with series query ${query}`),
  );
  const matches = rule.name?.matches ?? '';
  if (matches !== '') {
    const context = `unable to generate series name filter from name rules associated with series query ${query}`;
    matchers.push(wrapped({ is: matches }, context));
  }
  if (matchers.length === 0) return () => true;
  return (name) => matchers.every((keep) => keep(name));
};
