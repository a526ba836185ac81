/**
 * The error of RE2 regex compilation. Syntax errors read as Go's
 * (`error parsing regexp: missing closing ): ` + the expression in backquotes); syntax that
 * JavaScript has but RE2 lacks reads `RE2 does not support <feature> in "<regex>"`.
 */
import { goQuote } from '../go-fmt/go-fmt.ts';

/** An RE2 regex that cannot be compiled; `cause` holds a JS SyntaxError when there is one. */
export class RegexError extends Error {
  override readonly name = 'RegexError';
}

/** A Go `regexp/syntax` error: `error parsing regexp: <code>: `<expr>``. */
export const syntaxError = (code: string, expr: string): RegexError =>
  new RegexError(`error parsing regexp: ${code}: \`${expr}\``);

/** Syntax JavaScript has but RE2 lacks. */
export const unsupported = (feature: string, source: string): RegexError =>
  new RegexError(`RE2 does not support ${feature} in ${goQuote(source)}`);

/** RE2 has `(?U)`; this translation deliberately rejects it. */
export const ungreedyUnsupported = (source: string): RegexError =>
  new RegexError(`the RE2 ungreedy flag (?U) is not supported (in ${goQuote(source)})`);
