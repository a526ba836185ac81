/**
 * Go's `fmt` printing of template values with `%v`: slices `[a b]`, maps `map[k:v]` with sorted
 * keys, structs `{a b}`, floats as `%g` with the shortest representation (`1.5`, `1e+06`).
 */
import { formatFloatG } from './float.ts';
import { StructValue, isInt, isList, sortedKeys, type TemplateValue, type Value } from './value.ts';

/** `%v` of a number: ints in decimal, floats as `%g`. */
const formatNumber = (n: number): string => (isInt(n) ? String(n) : formatFloatG(n));

/** `%v` of any value; `undefined` (no value) prints `<no value>`, nil prints `<nil>`. */
export const formatValue = (v: Value): string => {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof StructValue) return `{${Object.values(v.fields).map(formatValue).join(' ')}}`;
  if (isList(v)) return `[${v.map(formatValue).join(' ')}]`;
  const entries = sortedKeys(v).map((k) => `${k}:${formatValue(v[k] as TemplateValue)}`);
  return `map[${entries.join(' ')}]`;
};

/** Go `fmt.Sprint`: spaces between operands when neither side is a string. */
export const sprint = (args: readonly Value[]): string => {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg ?? null);
  });
  return out;
};

/** Go `fmt.Sprintln`: operands separated by spaces, then a newline. */
export const sprintln = (args: readonly Value[]): string =>
  `${args.map((a) => formatValue(a ?? null)).join(' ')}\n`;
