/**
 * Shared pieces of the template evaluator: the per-render state, the closure types the
 * compiler produces, and error locations in Go's format.
 */
import { TemplateError } from './error.ts';
import { countNewlines } from './lex-core.ts';
import { goQuote, type Value } from '../go-fmt/go-fmt.ts';

/** Marks "no value piped in" (Go's `missingVal`), distinct from an invalid value. */
export const MISSING: unique symbol = Symbol('missing');
/** The value piped in from the previous stage, or MISSING. */
export type Final = Value | typeof MISSING;

/** A variable slot not yet assigned in this render. */
export const UNSET: unique symbol = Symbol('unset');
/** The content of a variable slot. */
export type Slot = Value | typeof UNSET;

/** Mutable state of one render; never shared between renders. */
export interface ExecState {
  out: string;
  vars: Slot[];
  depth: number;
}

/** Evaluates an operand or pipeline to a value. */
export type ValueEval = (s: ExecState, dot: Value) => Value;
/** Evaluates a command, receiving the previous pipeline stage's value as `final`. */
export type CommandEval = (s: ExecState, dot: Value, final: Final) => Value;

/** Execution flow after a node: carry on, or `break` / `continue` the innermost range. */
export const NORMAL = 0;
export const BREAK = 1;
export const CONTINUE = 2;
export type Flow = typeof NORMAL | typeof BREAK | typeof CONTINUE;
/** Executes a node or list, writing to `s.out`; reports `break` / `continue` upwards. */
export type Exec = (s: ExecState, dot: Value) => Flow;

/** A compiled named template and the size of its variable frame. */
export interface CompiledDefinition {
  readonly slots: number;
  readonly exec: Exec;
}

/** What the compiler knows while turning one template body into closures. */
export interface CompileContext {
  readonly source: string;
  /** Name in locations (`template: <parseName>:1:2: …`). */
  readonly parseName: string;
  /** Name in `executing "<execName>"`. */
  readonly execName: string;
  /** Whether `.` is the top-level data here (outside `with` / `range` bodies). */
  readonly dotIsRoot: boolean;
  /** Whether `$` is the top-level data (false inside `define`d templates). */
  readonly dollarIsRoot: boolean;
  readonly knownFields: ReadonlySet<string> | undefined;
  /** Collects the top-level fields the template references. */
  readonly referenced: Set<string>;
  readonly defs: ReadonlyMap<string, CompiledDefinition>;
}

const position = (ctx: CompileContext, pos: number): string => {
  const before = ctx.source.slice(0, pos);
  const col = pos - (before.lastIndexOf('\n') + 1);
  return `${ctx.parseName}:${countNewlines(before) + 1}:${col}`;
};

/** The prefix of an execution error at a node: `template: q:1:2: executing "q" at <.X>: `. */
export const locate = (ctx: CompileContext, pos: number, context: string): string =>
  `template: ${position(ctx, pos)}: executing ${goQuote(ctx.execName)} at <${context}>: `;

/**
 * Records a reference to a top-level field; with known fields, an unknown one is a
 * compile-time error (Go only finds it when executing).
 */
export const noteTopField = (
  ctx: CompileContext,
  name: string,
  pos: number,
  context: string,
): void => {
  ctx.referenced.add(name);
  if (ctx.knownFields === undefined || ctx.knownFields.has(name)) return;
  const known = [...ctx.knownFields].join(', ');
  throw new TemplateError(
    `template: ${position(ctx, pos)}: at <${context}>: can't evaluate field ${name} in type struct (fields: ${known})`,
  );
};

/** A TemplateError at a location produced by `locate`. */
export const execError = (at: string, message: string, cause?: unknown): TemplateError =>
  new TemplateError(`${at}${message}`, cause === undefined ? undefined : { cause });
