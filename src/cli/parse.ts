/**
 * A table-driven command-line scanner with spf13/pflag semantics, as used by every Kubernetes
 * component: `--x=v`, `--x v`, bare booleans (`--b`, `--b=false`; `--b false` leaves `false` as a
 * positional argument), shorthands (`-v=4`, `-v 4`, `-v4`), `--` ending the flags, positional
 * arguments anywhere, and `_` read as `-` in flag names.
 */
import { OptionsError } from './options-error.ts';
import type { FlagSpec } from './flag-spec.ts';
import { setFlagValue, type FlagValue } from './values.ts';

/** Flags given on the command line, by `FlagSpec.key` (the flag name; an alias uses its target's), plus positional arguments. */
export interface ScanResult {
  readonly kind: 'flags';
  readonly values: ReadonlyMap<string, FlagValue>;
  readonly args: readonly string[];
  readonly warnings: readonly string[];
}

/** `-h` or `--help` was given (before any error). */
export interface HelpRequest {
  readonly kind: 'help';
}

interface State {
  readonly specs: readonly FlagSpec[];
  readonly values: Map<string, FlagValue>;
  readonly args: string[];
  readonly warnings: string[];
  rest: string[];
}

const displayName = (spec: FlagSpec): string =>
  spec.shorthand === undefined ? `--${spec.name}` : `-${spec.shorthand}, --${spec.name}`;

const apply = (state: State, spec: FlagSpec, text: string): void => {
  const previous = state.values.get(spec.key) ?? spec.default;
  try {
    state.values.set(
      spec.key,
      setFlagValue(spec.type, text, previous, !state.values.has(spec.key)),
    );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const flag = JSON.stringify(displayName(spec));
    throw new OptionsError(`invalid argument ${JSON.stringify(text)} for ${flag} flag: ${why}`, {
      cause: err,
    });
  }
  if (spec.deprecated !== undefined) {
    state.warnings.push(`Flag --${spec.name} has been deprecated, ${spec.deprecated}`);
  }
};

const takeNext = (state: State): string | undefined => {
  const [next, ...rest] = state.rest;
  state.rest = rest;
  return next;
};

/** `--name[=value]`; returns false when it asked for help. */
const longFlag = (state: State, arg: string): boolean => {
  const body = arg.slice(2);
  if (body.startsWith('-') || body.startsWith('='))
    throw new OptionsError(`bad flag syntax: ${arg}`);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const spec = state.specs.find((s) => s.name === name.replaceAll('_', '-'));
  if (spec === undefined) {
    if (name === 'help') return false;
    throw new OptionsError(`unknown flag: --${name}`);
  }
  let text = eq < 0 ? undefined : body.slice(eq + 1);
  if (text === undefined && spec.type === 'bool') text = 'true';
  if (text === undefined && state.rest.length > 0) text = takeNext(state);
  if (text === undefined) throw new OptionsError(`flag needs an argument: --${name}`);
  apply(state, spec, text);
  return true;
};

/** `-abc`, `-v=4`, `-v4`, `-v 4`; returns false when it asked for help. */
const shortFlags = (state: State, arg: string): boolean => {
  let shorts = arg.slice(1);
  while (shorts !== '') {
    const c = shorts.charAt(0);
    const spec = state.specs.find((s) => s.shorthand === c);
    if (spec === undefined) {
      if (c === 'h') return false;
      throw new OptionsError(`unknown shorthand flag: '${c}' in ${arg}`);
    }
    let text: string | undefined;
    if (shorts.length > 2 && shorts[1] === '=') [text, shorts] = [shorts.slice(2), ''];
    else if (spec.type === 'bool') [text, shorts] = ['true', shorts.slice(1)];
    else if (shorts.length > 1) [text, shorts] = [shorts.slice(1), ''];
    else [text, shorts] = [takeNext(state), ''];
    if (text === undefined) throw new OptionsError(`flag needs an argument: '${c}' in ${arg}`);
    apply(state, spec, text);
  }
  return true;
};

/**
 * Scans `argv` (without the program name) against `specs`. Throws `OptionsError` for unknown
 * flags, missing values and unparsable values, exactly where pflag would stop.
 */
export const scanFlags = (
  specs: readonly FlagSpec[],
  argv: readonly string[],
): ScanResult | HelpRequest => {
  const state: State = { specs, values: new Map(), args: [], warnings: [], rest: [...argv] };
  for (let arg = takeNext(state); arg !== undefined; arg = takeNext(state)) {
    if (arg.length < 2 || !arg.startsWith('-')) {
      state.args.push(arg);
      continue;
    }
    if (arg === '--') {
      state.args.push(...state.rest);
      break;
    }
    const ok = arg.startsWith('--') ? longFlag(state, arg) : shortFlags(state, arg);
    if (!ok) return { kind: 'help' };
  }
  return { kind: 'flags', values: state.values, args: state.args, warnings: state.warnings };
};
