/** The shape of one command-line flag and small constructors for the flag tables. */
import type { FlagType, FlagValue } from './values.ts';

/** One flag: long name, pflag type, default, help text, and the `Options` key it sets. */
export interface FlagSpec {
  readonly name: string;
  readonly key: string;
  readonly type: FlagType;
  readonly default: FlagValue;
  readonly usage: string;
  readonly shorthand?: string;
  /** pflag deprecation note: the flag still works, and a warning is emitted. */
  readonly deprecated?: string;
  /** Flags grouped into one record-valued option (e.g. all `--audit-*` flags). */
  readonly group?: 'audit';
}

/** Optional parts of a flag row. */
export type Extra = Pick<FlagSpec, 'shorthand' | 'deprecated' | 'group'>;

/** A row constructor for one flag type: `(name, key, default, usage, extra?)`. */
export const make =
  (type: FlagType) =>
  (name: string, key: string, def: FlagValue, usage: string, extra: Extra = {}): FlagSpec => ({
    name,
    key,
    type,
    default: def,
    usage,
    ...extra,
  });

/** Row constructors per pflag type. */
export const str = make('string');
export const bool = make('bool');
export const int = make('int');
export const float = make('float');
export const dur = make('duration');
export const strings = make('stringSlice');
export const array = make('stringArray');

/** One second and one minute in milliseconds, for duration defaults. */
export const S = 1000;
export const M = 60 * S;
