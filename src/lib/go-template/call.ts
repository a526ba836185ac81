/**
 * Calls of builtin functions (Go exec.go `evalCall`): arity checks, `and` / `or`
 * short-circuiting, the previous pipeline stage appended as the last argument, and builtin
 * failures reported as `error calling <name>: …` at the command.
 */
import { nodeString, type BuiltinName, type Command, type Operand } from './ast.ts';
import { ExecFailure } from './error.ts';
import {
  MISSING,
  execError,
  locate,
  type CommandEval,
  type CompileContext,
  type ValueEval,
} from './exec-core.ts';
import { eq, html, index, js, le, length, lt, slice, urlquery } from './funcs.ts';
import { sprint, sprintln, sprintf, truth, typeName, type Value } from '../go-fmt/go-fmt.ts';

/** Minimum argument count, and whether more are allowed. */
const ARITY: Readonly<Record<BuiltinName, readonly [number, boolean]>> = {
  and: [1, true],
  call: [1, true],
  eq: [1, true],
  ge: [2, false],
  gt: [2, false],
  html: [0, true],
  index: [1, true],
  js: [0, true],
  le: [2, false],
  len: [1, false],
  lt: [2, false],
  ne: [2, false],
  not: [1, false],
  or: [1, true],
  print: [0, true],
  printf: [1, true],
  println: [0, true],
  slice: [1, true],
  urlquery: [0, true],
};

/** `...any` parameters turn an invalid value into nil. */
const anyArgs = (values: readonly Value[]): Value[] => values.map((v) => v ?? null);

type Impl = (v: readonly Value[]) => Value;

const IMPLS: Readonly<Record<Exclude<BuiltinName, 'and' | 'or' | 'call' | 'printf'>, Impl>> = {
  eq: (v) => eq(v[0], v.slice(1)),
  ge: (v) => !lt(v[0], v[1]),
  gt: (v) => !le(v[0], v[1]),
  html: (v) => html(v),
  index: (v) => index(v[0], v.slice(1)),
  js: (v) => js(v),
  le: (v) => le(v[0], v[1]),
  len: (v) => length(v[0]),
  lt: (v) => lt(v[0], v[1]),
  ne: (v) => !eq(v[0], [v[1]]),
  not: (v) => !truth(v[0]),
  print: (v) => sprint(anyArgs(v)),
  println: (v) => sprintln(anyArgs(v)),
  slice: (v) => slice(v[0], v.slice(1)),
  urlquery: (v) => urlquery(v),
};

/** `printf`'s first parameter is a Go string: checked as Go's evalArg does. */
const formatChecker = (argNodes: readonly Operand[], ctx: CompileContext) => {
  const first = argNodes[0];
  const at = first === undefined ? '' : locate(ctx, first.pos, nodeString(first));
  return (format: Value): string => {
    if (first?.kind === 'number' || first?.kind === 'bool') {
      throw execError(at, `expected string; found ${nodeString(first)}`);
    }
    if (first?.kind === 'nil') throw execError(at, 'cannot assign nil to string');
    if (typeof format === 'string') return format;
    if (format === undefined) throw execError(at, 'invalid value; expected string');
    throw execError(at, `wrong type for value; expected string; got ${typeName(format)}`);
  };
};

/** The function body of one builtin, given the node texts it may need for messages. */
const implFor = (name: BuiltinName, argNodes: readonly Operand[], ctx: CompileContext): Impl => {
  if (name === 'printf') {
    const format = formatChecker(argNodes, ctx);
    return (v) => sprintf(format(v[0]), anyArgs(v.slice(1)));
  }
  if (name === 'call') {
    const fnText = argNodes[0] === undefined ? 'final' : nodeString(argNodes[0]);
    return (v) => {
      const fn = v[0];
      if (fn === undefined || fn === null) throw new ExecFailure('call of nil');
      throw new ExecFailure(`non-function ${fnText} of type ${typeName(fn)}`);
    };
  }
  if (name === 'and' || name === 'or') throw new Error(`${name} is compiled separately`);
  return IMPLS[name];
};

/** Compiles `name arg…` where the args are already compiled operands. */
export const compileCall = (
  ident: Operand & { readonly kind: 'identifier' },
  argNodes: readonly Operand[],
  args: readonly ValueEval[],
  cmd: Command | undefined,
  ctx: CompileContext,
): CommandEval => {
  const { name } = ident;
  const identAt = locate(ctx, ident.pos, name);
  const cmdAt = cmd === undefined ? identAt : locate(ctx, cmd.pos, nodeString(cmd));
  const [min, variadic] = ARITY[name];
  const checkArity = (count: number): void => {
    if (variadic ? count >= min : count === min) return;
    const want = `${variadic ? 'at least ' : ''}${min}`;
    throw execError(identAt, `wrong number of args for ${name}: want ${want} got ${count}`);
  };
  if (name === 'and' || name === 'or') {
    const decisive = name === 'or';
    return (s, dot, final) => {
      checkArity(args.length + (final === MISSING ? 0 : 1));
      let v: Value;
      for (const arg of args) {
        v = arg(s, dot);
        if (truth(v) === decisive) return v;
      }
      return final === MISSING ? v : final;
    };
  }
  const impl = implFor(name, argNodes, ctx);
  return (s, dot, final) => {
    checkArity(args.length + (final === MISSING ? 0 : 1));
    const values = args.map((arg) => arg(s, dot));
    if (final !== MISSING) values.push(final);
    try {
      return impl(values);
    } catch (err) {
      if (!(err instanceof ExecFailure)) throw err;
      throw execError(cmdAt, `error calling ${name}: ${err.message}`, err);
    }
  };
};
