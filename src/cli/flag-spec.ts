/**
 * Command-line flags and flag tables. A table is a function from a `FlagReader` to the options
 * object: each row is the initialiser of the property its flag fills, so the compiler checks every
 * row's property name and value type, and that no property is left without a flag. A table is
 * run twice: once to list its rows (`describeFlags`), once to read the scanned values
 * (`readFlags`).
 */
import type { FlagType, FlagValue, NamedCertKey } from './values.ts';

/** One flag: long name, pflag type, default, help text, and the value it sets. */
export interface FlagSpec {
  readonly name: string;
  /** The flag whose value this one sets: its own name, or the one a deprecated alias stands for. */
  readonly key: string;
  readonly type: FlagType;
  readonly default: FlagValue;
  readonly usage: string;
  readonly shorthand?: string;
  /** pflag deprecation note: the flag still works, and a warning is emitted. */
  readonly deprecated?: string;
}

/** Optional parts of a flag row; `alias` declares a deprecated second name right after it. */
export type Extra = Pick<FlagSpec, 'shorthand' | 'deprecated'> & {
  readonly alias?: { readonly name: string; readonly deprecated: string };
};

/** The value each flag type yields (durations are milliseconds). */
export interface FlagValueOf {
  readonly string: string;
  readonly bool: boolean;
  readonly int: number;
  readonly level: number;
  readonly float: number;
  readonly duration: number;
  readonly ip: string;
  readonly stringArray: readonly string[];
  readonly stringSlice: readonly string[];
  readonly namedCertKey: readonly NamedCertKey[];
}

/** One row: declares the flag `name` and returns its value (its default until one is given). */
export type FlagRow<V> = (name: string, def: V, usage: string, extra?: Extra) => V;

/** Row constructors per pflag type. */
export type FlagReader = { readonly [T in FlagType]: FlagRow<FlagValueOf[T]> };

/** A command's flags, as the function that fills its options object `O` from them. */
export type FlagTable<O> = (flags: FlagReader) => O;

/** One second and one minute in milliseconds, for duration defaults. */
export const S = 1000;
export const M = 60 * S;

const isList = (v: FlagValue, item: 'string' | 'object'): boolean => {
  if (typeof v !== 'object') return false;
  const items: readonly (string | NamedCertKey)[] = v;
  return items.every((x) => typeof x === item);
};

const isStrings = (v: FlagValue): v is readonly string[] => isList(v, 'string');
const isString = (v: FlagValue): v is string => typeof v === 'string';
const isNumber = (v: FlagValue): v is number => typeof v === 'number';

/** Whether a stored value has the kind its flag type yields (it always has; this proves it). */
const IS: { readonly [T in FlagType]: (v: FlagValue) => v is FlagValueOf[T] } = {
  string: isString,
  bool: (v): v is boolean => typeof v === 'boolean',
  int: isNumber,
  level: isNumber,
  float: isNumber,
  duration: isNumber,
  ip: isString,
  stringArray: isStrings,
  stringSlice: isStrings,
  namedCertKey: (v): v is readonly NamedCertKey[] => isList(v, 'object'),
};

/** A reader that reports each row to `declare` and takes values from `given` (by `key`). */
const reader = (
  declare: (spec: FlagSpec) => void,
  given: (key: string) => FlagValue | undefined,
): FlagReader => {
  const row =
    <T extends FlagType>(type: T): FlagRow<FlagValueOf[T]> =>
    (name, def, usage, { alias, ...extra } = {}) => {
      const spec: FlagSpec = { name, key: name, type, default: def, usage, ...extra };
      declare(spec);
      if (alias !== undefined) declare({ ...spec, ...alias });
      const value = given(name);
      if (value === undefined) return def;
      if (!IS[type](value)) throw new TypeError(`--${name}: not a ${type} value`);
      return value;
    };
  return {
    string: row('string'),
    bool: row('bool'),
    int: row('int'),
    level: row('level'),
    float: row('float'),
    duration: row('duration'),
    ip: row('ip'),
    stringArray: row('stringArray'),
    stringSlice: row('stringSlice'),
    namedCertKey: row('namedCertKey'),
  };
};

/** A table's rows, in order (the order of `--help` and of scanning). */
export const describeFlags = <O>(table: FlagTable<O>): readonly FlagSpec[] => {
  const specs: FlagSpec[] = [];
  table(
    reader(
      (spec) => specs.push(spec),
      () => undefined,
    ),
  );
  return specs;
};

/** The options object a table fills from scanned values (by `FlagSpec.key`) and its defaults. */
export const readFlags = <O>(table: FlagTable<O>, values: ReadonlyMap<string, FlagValue>): O =>
  table(
    reader(
      () => undefined,
      (key) => values.get(key),
    ),
  );
