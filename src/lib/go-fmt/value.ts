/**
 * Runtime values of the template engine and their Go-like typing. Data comes in as plain
 * JSON-like values; the top-level data object behaves as a Go struct (unknown field = error),
 * nested records behave as Go maps (missing key = no value). Integral numbers are Go ints,
 * others float64.
 */

/** A value the caller may pass in the data. */
export type TemplateValue =
  string | number | boolean | readonly TemplateValue[] | { readonly [key: string]: TemplateValue };

/** The data a template renders: its keys are the struct fields (`.Series`, `.Resource`). */
export type TemplateData = { readonly [key: string]: TemplateValue };

/** A list value (Go slice). */
export type TemplateList = readonly TemplateValue[];
/** A record value (Go map with string keys). */
export type TemplateRecord = { readonly [key: string]: TemplateValue };

/** The top-level data, with Go struct semantics. */
export class StructValue {
  readonly fields: TemplateData;
  constructor(fields: TemplateData) {
    this.fields = fields;
  }
}

/**
 * Any runtime value: `undefined` is Go's invalid value (printed `<no value>`), `null` is an
 * untyped nil (the `nil` keyword, printed `<nil>`).
 */
export type Value = TemplateValue | StructValue | null | undefined;

/** Whether a value is a list. */
export const isList = (v: Value): v is TemplateList => Array.isArray(v);

/** Whether a value is a record (not a list, nil or the top-level struct). */
export const isRecord = (v: Value): v is TemplateRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof StructValue);

/** Whether a number is printed and compared as a Go int (else it is a float64). */
export const isInt = (n: number): boolean => Number.isInteger(n) && !Object.is(n, -0);

const elemType = (values: readonly TemplateValue[]): string => {
  const types = new Set(values.map((v) => typeName(v)));
  const [only] = types;
  return types.size === 0
    ? 'string'
    : types.size === 1 && only !== undefined
      ? only
      : 'interface {}';
};

/** A Go-like type name for messages: `string`, `int`, `[]string`, `map[string]string`. */
export const typeName = (v: Value): string => {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt(v) ? 'int' : 'float64';
  if (v instanceof StructValue) return 'struct';
  if (isList(v)) return `[]${elemType(v)}`;
  return `map[string]${elemType(Object.values(v))}`;
};

const EMPTY_LIST: TemplateList = Object.freeze([]);
const EMPTY_RECORD: TemplateRecord = Object.freeze({});

/** Go's zero value of a map's element type, which `index` yields for a missing key. */
export const zeroElement = (map: TemplateRecord): Value => {
  const type = elemType(Object.values(map));
  if (type === 'string') return '';
  if (type === 'int' || type === 'float64') return 0;
  if (type === 'bool') return false;
  if (type.startsWith('[]')) return EMPTY_LIST;
  return type.startsWith('map[') ? EMPTY_RECORD : undefined;
};

/** Go's truth for `if`, `with`, `and`, `or`, `not`: non-zero, non-empty. */
export const truth = (v: Value): boolean => {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (v instanceof StructValue) return true;
  return isList(v) ? v.length > 0 : Object.keys(v).length > 0;
};

/** Map keys in Go's printing and ranging order (sorted). */
export const sortedKeys = (map: TemplateRecord): string[] => Object.keys(map).sort();

const ASCII = /^[^\u0080-\uffff]*$/;

/** Go's `len` of a string: its UTF-8 byte count. */
export const byteLength = (s: string): number =>
  ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8');

/** The UTF-8 bytes of a string (Go indexes and slices strings by byte). */
export const utf8Bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
