/**
 * Compiles operands, commands and pipelines into closures (Go exec.go `evalPipeline`,
 * `evalCommand`, `evalArg`, `evalField`). Fields of the top-level struct must exist; fields of
 * maps may be missing (no value); anything else has no fields.
 */
import { nodeString, type Command, type Operand, type Pipe } from './ast.ts';
import { compileCall } from './call.ts';
import {
  MISSING,
  UNSET,
  execError,
  locate,
  noteTopField,
  type CommandEval,
  type CompileContext,
  type ExecState,
  type Final,
  type ValueEval,
} from './exec-core.ts';
import { StructValue, isRecord, typeName, type Value } from '../go-fmt/go-fmt.ts';

const evalField = (receiver: Value, name: string, hasArgs: boolean, at: string): Value => {
  if (receiver === undefined) return undefined;
  if (receiver instanceof StructValue) {
    if (!Object.hasOwn(receiver.fields, name)) {
      throw execError(at, `can't evaluate field ${name} in type struct`);
    }
    if (hasArgs) throw execError(at, `${name} has arguments but cannot be invoked as function`);
    return receiver.fields[name];
  }
  if (isRecord(receiver)) {
    if (hasArgs) throw execError(at, `${name} is not a method but has arguments`);
    return Object.hasOwn(receiver, name) ? receiver[name] : undefined;
  }
  if (receiver === null) throw execError(at, `nil pointer evaluating interface {}.${name}`);
  throw execError(at, `can't evaluate field ${name} in type ${typeName(receiver)}`);
};

const fieldChain = (
  receiver: Value,
  idents: readonly string[],
  hasArgs: boolean,
  at: string,
): Value => {
  let value = receiver;
  const last = idents.length - 1;
  for (let i = 0; i < last; i++) value = evalField(value, idents[i] ?? '', false, at);
  return evalField(value, idents[last] ?? '', hasArgs, at);
};

const readVar = (s: ExecState, slot: number, name: string, at: string): Value => {
  const value = s.vars[slot];
  if (value === UNSET) throw execError(at, `undefined variable: ${name}`);
  return value;
};

type Accessor = (s: ExecState, dot: Value, hasArgs: boolean) => Value;

/** Field-like operands: `.a.b`, `$x.a`, `(pipe).a`; undefined for other kinds. */
const compileAccessor = (node: Operand, ctx: CompileContext): Accessor | undefined => {
  const at = locate(ctx, node.pos, nodeString(node));
  switch (node.kind) {
    case 'field': {
      const [first = ''] = node.idents;
      if (ctx.dotIsRoot) noteTopField(ctx, first, node.pos, nodeString(node));
      const { idents } = node;
      return (_s, dot, hasArgs) => fieldChain(dot, idents, hasArgs, at);
    }
    case 'variable': {
      const { idents, ref } = node;
      const [first] = idents;
      if (ref.slot === 0 && ctx.dollarIsRoot && first !== undefined) {
        noteTopField(ctx, first, node.pos, nodeString(node));
      }
      if (idents.length === 0) return undefined;
      return (s, _dot, hasArgs) =>
        fieldChain(readVar(s, ref.slot, ref.name, at), idents, hasArgs, at);
    }
    case 'chain': {
      const inner = compileOperand(node.node, ctx);
      const { idents } = node;
      return (s, dot, hasArgs) => fieldChain(inner(s, dot), idents, hasArgs, at);
    }
    case 'identifier':
    case 'pipe':
    case 'dot':
    case 'nil':
    case 'bool':
    case 'number':
    case 'string':
      return undefined;
  }
};

/** An operand used as a value (a function argument or a non-function command). */
const compileOperand = (node: Operand, ctx: CompileContext): ValueEval => {
  const accessor = compileAccessor(node, ctx);
  if (accessor !== undefined) return (s, dot) => accessor(s, dot, false);
  switch (node.kind) {
    case 'identifier': {
      const call = compileCall(node, [], [], undefined, ctx);
      return (s, dot) => call(s, dot, MISSING);
    }
    case 'pipe':
      return compilePipe(node, ctx);
    case 'variable': {
      const { ref } = node;
      const at = locate(ctx, node.pos, nodeString(node));
      return (s) => readVar(s, ref.slot, ref.name, at);
    }
    case 'dot':
      return (_s, dot) => dot;
    case 'nil':
      return () => null;
    case 'bool':
    case 'number':
    case 'string': {
      const { value } = node;
      return () => value;
    }
    case 'field':
    case 'chain':
      throw new Error(`unreachable: ${node.kind} has an accessor`);
  }
};

const compileCommand = (cmd: Command, ctx: CompileContext): CommandEval => {
  const [first, ...rest] = cmd.args;
  if (first === undefined) throw new Error('empty command');
  if (first.kind === 'identifier') {
    return compileCall(
      first,
      rest,
      rest.map((a) => compileOperand(a, ctx)),
      cmd,
      ctx,
    );
  }
  const extraArgs = rest.length > 0;
  const accessor = compileAccessor(first, ctx);
  if (accessor !== undefined)
    return (s, dot, final) => accessor(s, dot, extraArgs || final !== MISSING);
  const at =
    first.kind === 'pipe'
      ? locate(ctx, cmd.pos, nodeString(cmd))
      : locate(ctx, first.pos, nodeString(first));
  const notAFunction = `can't give argument to non-function ${nodeString(first)}`;
  if (first.kind === 'nil') {
    return (_s, _dot, final) => {
      throw execError(at, extraArgs || final !== MISSING ? notAFunction : 'nil is not a command');
    };
  }
  const value = compileOperand(first, ctx);
  return (s, dot, final) => {
    if (extraArgs || final !== MISSING) throw execError(at, notAFunction);
    return value(s, dot);
  };
};

/** A pipeline: commands chained by `|`, then assigned to its declared variables. */
export const compilePipe = (pipe: Pipe, ctx: CompileContext): ValueEval => {
  const cmds = pipe.cmds.map((c) => compileCommand(c, ctx));
  const [only] = cmds;
  if (cmds.length === 1 && only !== undefined && pipe.decls.length === 0) {
    return (s, dot) => only(s, dot, MISSING);
  }
  const { decls, isAssign } = pipe;
  const lastWord = pipe.cmds.at(-1)?.args[0];
  const at = locate(ctx, lastWord?.pos ?? pipe.pos, lastWord ? nodeString(lastWord) : '');
  return (s, dot) => {
    let value: Final = MISSING;
    for (const cmd of cmds) value = cmd(s, dot, value);
    const result = value === MISSING ? undefined : value;
    for (const { slot, name } of decls) {
      if (isAssign && s.vars[slot] === UNSET) throw execError(at, `undefined variable: ${name}`);
      s.vars[slot] = result;
    }
    return result;
  };
};
