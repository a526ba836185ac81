/**
 * Compiles the parse tree's nodes into closures (Go exec.go `walk`, `walkIfOrWith`,
 * `walkRange`, `walkTemplate`). Rendering then only calls closures: no parsing, no tree walk.
 */
import { nodeString, type ControlNode, type Node, type Pipe } from './ast.ts';
import { compilePipe } from './eval.ts';
import {
  BREAK,
  CONTINUE,
  NORMAL,
  UNSET,
  execError,
  locate,
  type CompileContext,
  type Exec,
  type ExecState,
  type Flow,
  type Slot,
} from './exec-core.ts';
import {
  formatValue,
  goQuote,
  isInt,
  isList,
  isRecord,
  sortedKeys,
  truth,
  type Value,
} from '../go-fmt/go-fmt.ts';

/** Nesting limit of `template` calls (Go allows 100000; JS stacks are smaller). */
const MAX_TEMPLATE_DEPTH = 1000;

/** A fresh variable frame with `$` bound. */
export const newFrame = (slots: number, dollar: Value): Slot[] => {
  if (slots <= 1) return [dollar];
  const vars = new Array<Slot>(slots).fill(UNSET);
  vars[0] = dollar;
  return vars;
};

const print = (v: Value): string => (typeof v === 'string' ? v : formatValue(v));

const compileAction = (pipe: Pipe, ctx: CompileContext): Exec => {
  const value = compilePipe(pipe, ctx);
  if (pipe.decls.length > 0) {
    return (s, dot) => {
      value(s, dot);
      return NORMAL;
    };
  }
  return (s, dot) => {
    s.out += print(value(s, dot));
    return NORMAL;
  };
};

const compileIfOrWith = (
  node: ControlNode<'if'> | ControlNode<'with'>,
  ctx: CompileContext,
): Exec => {
  const cond = compilePipe(node.pipe, ctx);
  const list = compileList(node.list, node.kind === 'with' ? { ...ctx, dotIsRoot: false } : ctx);
  const orElse = node.elseList === undefined ? undefined : compileList(node.elseList, ctx);
  const isWith = node.kind === 'with';
  return (s, dot) => {
    const value = cond(s, dot);
    if (truth(value)) return list(s, isWith ? value : dot);
    return orElse === undefined ? NORMAL : orElse(s, dot);
  };
};

/** The error location of a range: its last command's first word, as Go reports it. */
const rangeAt = (pipe: Pipe, ctx: CompileContext): string => {
  const word = pipe.cmds.at(-1)?.args[0];
  return word === undefined
    ? locate(ctx, pipe.pos, 'range')
    : locate(ctx, word.pos, nodeString(word));
};

type Iterate = (key: Value, elem: Value) => boolean;

/** Calls `each` per element; returns whether there was any element, or undefined if not iterable. */
const iterate = (v: Value, twoVars: boolean, at: string, each: Iterate): boolean => {
  if (v === undefined || v === null) return false;
  if (isList(v)) {
    for (let i = 0; i < v.length && !each(i, v[i]); i++);
    return v.length > 0;
  }
  if (isRecord(v)) {
    const keys = sortedKeys(v);
    for (const k of keys) if (each(k, v[k])) break;
    return keys.length > 0;
  }
  if (typeof v === 'number' && isInt(v)) {
    if (twoVars) throw execError(at, `can't use ${v} to iterate over more than one variable`);
    for (let i = 0; i < v && !each(i, i); i++);
    return v > 0;
  }
  throw execError(at, `range can't iterate over ${formatValue(v)}`);
};

const compileRange = (node: ControlNode<'range'>, ctx: CompileContext): Exec => {
  const collection = compilePipe(node.pipe, ctx);
  const body = compileList(node.list, { ...ctx, dotIsRoot: false });
  const orElse = node.elseList === undefined ? undefined : compileList(node.elseList, ctx);
  const [first, second] = node.pipe.decls;
  const at = rangeAt(node.pipe, ctx);
  return (s, dot) => {
    const each = (key: Value, elem: Value): boolean => {
      if (second !== undefined && first !== undefined) {
        s.vars[first.slot] = key;
        s.vars[second.slot] = elem;
      } else if (first !== undefined) s.vars[first.slot] = elem;
      return body(s, elem) === BREAK;
    };
    const ran = iterate(collection(s, dot), second !== undefined, at, each);
    return ran || orElse === undefined ? NORMAL : orElse(s, dot);
  };
};

const compileTemplateCall = (node: Node & { kind: 'template' }, ctx: CompileContext): Exec => {
  const argument = node.pipe === undefined ? undefined : compilePipe(node.pipe, ctx);
  const text = `{{template ${goQuote(node.name)}${node.pipe === undefined ? '' : ` ${nodeString(node.pipe)}`}}}`;
  const at = locate(ctx, node.pos, text);
  const { defs } = ctx;
  return (s, dot) => {
    const def = defs.get(node.name);
    if (def === undefined) throw execError(at, `template ${goQuote(node.name)} not defined`);
    if (s.depth >= MAX_TEMPLATE_DEPTH) {
      throw execError(at, `exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    }
    const value = argument === undefined ? undefined : argument(s, dot);
    const saved = s.vars;
    s.vars = newFrame(def.slots, value);
    s.depth++;
    def.exec(s, value);
    s.depth--;
    s.vars = saved;
    return NORMAL;
  };
};

const compileNode = (node: Node, ctx: CompileContext): Exec => {
  switch (node.kind) {
    case 'text': {
      const { text } = node;
      return (s) => {
        s.out += text;
        return NORMAL;
      };
    }
    case 'action':
      return compileAction(node.pipe, ctx);
    case 'if':
    case 'with':
      return compileIfOrWith(node, ctx);
    case 'range':
      return compileRange(node, ctx);
    case 'break':
      return () => BREAK;
    case 'continue':
      return () => CONTINUE;
    case 'template':
      return compileTemplateCall(node, ctx);
  }
};

/** Compiles a list of nodes; the closure stops at the first `break` / `continue`. */
export const compileList = (nodes: readonly Node[], ctx: CompileContext): Exec => {
  const execs = nodes.map((n) => compileNode(n, ctx));
  const [only] = execs;
  if (execs.length === 1 && only !== undefined) return only;
  return (s: ExecState, dot: Value): Flow => {
    for (const exec of execs) {
      const flow = exec(s, dot);
      if (flow !== NORMAL) return flow;
    }
    return NORMAL;
  };
};
