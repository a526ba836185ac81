/**
 * Pipelines, commands and operands (Go parse.go `pipeline`, `command`, `operand`, `term`),
 * written against the small cursor interface the parser exposes.
 */
import {
  isBuiltinName,
  nodeString,
  type Command,
  type Operand,
  type Pipe,
  type VarRef,
} from './ast.ts';
import type { Token, TokenKind } from './lex-core.ts';
import { parseNumber, unquoteChar, unquoteString, goQuote } from '../go-fmt/go-fmt.ts';

/** What the pipeline functions need from the parser: a token cursor, errors and scopes. */
export interface ParserCore {
  next(): Token;
  backup(): void;
  peek(): Token;
  nextNonSpace(): Token;
  peekNonSpace(): Token;
  /** Cursor position, to restore with `reset`. */
  mark(): number;
  reset(mark: number): void;
  errorf(message: string): never;
  unexpected(token: Token, context: string): never;
  /** Declares a new variable in the current scope. */
  declare(name: string): VarRef;
  /** The innermost visible variable of that name. */
  lookup(name: string): VarRef | undefined;
}

const OPERAND_START: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'bool',
  'charConstant',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

const NOT_EXECUTABLE: ReadonlySet<Operand['kind']> = new Set([
  'bool',
  'dot',
  'nil',
  'number',
  'string',
]);

/** Runs a literal decoder, reporting its failure as a parse error. */
const literal = <T>(p: ParserCore, decode: () => T): T => {
  try {
    return decode();
  } catch (err) {
    return p.errorf(err instanceof Error ? err.message : String(err));
  }
};

const term = (p: ParserCore): Operand | undefined => {
  const token = p.nextNonSpace();
  const { pos, text } = token;
  switch (token.kind) {
    case 'identifier':
      if (!isBuiltinName(text)) p.errorf(`function ${goQuote(text)} not defined`);
      return { kind: 'identifier', pos, name: text };
    case 'dot':
    case 'nil':
      return { kind: token.kind, pos };
    case 'variable': {
      const ref = p.lookup(text);
      return ref === undefined
        ? p.errorf(`undefined variable ${goQuote(text)}`)
        : { kind: 'variable', pos, ref, idents: [] };
    }
    case 'field':
      return { kind: 'field', pos, idents: [text.slice(1)] };
    case 'bool':
      return { kind: 'bool', pos, value: text === 'true' };
    case 'charConstant':
      return { kind: 'number', pos, text, value: literal(p, () => unquoteChar(text)) };
    case 'number':
      return { kind: 'number', pos, text, value: literal(p, () => parseNumber(text)).value };
    case 'leftParen':
      return pipeline(p, 'parenthesized pipeline', 'rightParen');
    case 'string':
    case 'rawString':
      return { kind: 'string', pos, text, value: literal(p, () => unquoteString(text)) };
    case 'assign':
    case 'char':
    case 'declare':
    case 'eof':
    case 'error':
    case 'keyword':
    case 'leftDelim':
    case 'pipe':
    case 'rightDelim':
    case 'rightParen':
    case 'space':
    case 'text':
      p.backup();
      return undefined;
  }
};

/** A term followed by `.field` accesses. */
const operand = (p: ParserCore): Operand | undefined => {
  const node = term(p);
  if (node === undefined || p.peek().kind !== 'field') return node;
  const pos = p.peek().pos;
  const idents: string[] = [];
  while (p.peek().kind === 'field') idents.push(p.next().text.slice(1));
  switch (node.kind) {
    case 'field':
    case 'variable':
      return { ...node, pos, idents: [...node.idents, ...idents] };
    case 'bool':
    case 'string':
    case 'number':
    case 'nil':
    case 'dot':
      return p.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
    case 'chain':
    case 'identifier':
    case 'pipe':
      return { kind: 'chain', pos, node, idents };
  }
};

const command = (p: ParserCore): Command => {
  const cmd: Command = { kind: 'command', pos: p.peekNonSpace().pos, args: [] };
  for (;;) {
    p.peekNonSpace();
    const arg = operand(p);
    if (arg !== undefined) cmd.args.push(arg);
    const token = p.next();
    if (token.kind === 'space') continue;
    if (token.kind === 'rightDelim' || token.kind === 'rightParen') p.backup();
    else if (token.kind !== 'pipe') p.unexpected(token, 'operand');
    break;
  }
  if (cmd.args.length === 0) p.errorf('empty command');
  return cmd;
};

/** `$x :=`, `$x =` or (in range) `$i, $v :=` at the start of a pipeline. */
const declarations = (p: ParserCore, pipe: Pipe, context: string): void => {
  const names: string[] = [];
  for (;;) {
    const variable = p.peekNonSpace();
    if (variable.kind !== 'variable') break;
    const before = p.mark();
    p.next();
    const next = p.peekNonSpace();
    if (next.kind === 'assign' || next.kind === 'declare') {
      p.nextNonSpace();
      pipe.isAssign = next.kind === 'assign';
      names.push(variable.text);
      break;
    }
    if (next.kind !== 'char' || next.text !== ',') {
      p.reset(before);
      break;
    }
    p.nextNonSpace();
    names.push(variable.text);
    if (context !== 'range' || names.length >= 2) p.errorf(`too many declarations in ${context}`);
    if (!['variable', 'rightDelim', 'rightParen'].includes(p.peekNonSpace().kind)) {
      p.errorf('range can only initialize variables');
    }
  }
  for (const name of names) {
    pipe.decls.push((pipe.isAssign ? p.lookup(name) : undefined) ?? p.declare(name));
  }
};

/** A pipeline up to `end` (the right delimiter, or `)` for a parenthesised one). */
export const pipeline = (p: ParserCore, context: string, end: TokenKind): Pipe => {
  const pipe: Pipe = {
    kind: 'pipe',
    pos: p.peekNonSpace().pos,
    isAssign: false,
    decls: [],
    cmds: [],
  };
  declarations(p, pipe, context);
  for (;;) {
    const token = p.nextNonSpace();
    if (token.kind === end) break;
    if (!OPERAND_START.has(token.kind)) p.unexpected(token, context);
    p.backup();
    pipe.cmds.push(command(p));
  }
  if (pipe.cmds.length === 0) p.errorf(`missing value for ${context}`);
  pipe.cmds.forEach((cmd, i) => {
    const first = cmd.args[0];
    if (i > 0 && first !== undefined && NOT_EXECUTABLE.has(first.kind)) {
      p.errorf(`non executable command in pipeline stage ${i + 1}`);
    }
  });
  return pipe;
};
