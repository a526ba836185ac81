/**
 * Go's formatting and conversion rules, as the adapter's config dialect needs them: `%q` quoting
 * (`strconv.Quote`), `fmt.Sprint`/`Sprintf` over a small model of Go values, `strconv` literal
 * parsing, float formatting, and Go and Prometheus durations. The entry of lib/go-fmt: outsiders
 * import this file only.
 */
export { goQuote, isPrint } from './quote.ts';
export {
  DurationError,
  formatGoDuration,
  formatPromDuration,
  parseGoDuration,
  parsePromDuration,
} from './durations.ts';
export {
  StructValue,
  byteLength,
  isInt,
  isList,
  isRecord,
  sortedKeys,
  truth,
  typeName,
  utf8Bytes,
  zeroElement,
  type TemplateData,
  type Value,
} from './value.ts';
export { formatValue, sprint, sprintln } from './print.ts';
export { NO_FLAGS, formatArg, sprintf } from './printf.ts';
export { parseNumber, unquoteChar, unquoteString } from './strconv.ts';
