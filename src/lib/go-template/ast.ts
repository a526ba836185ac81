/**
 * Parse tree of the template subset, shaped like Go's text/template/parse nodes. Variables
 * are resolved at parse time to frame slots (`$` is slot 0 of every template frame).
 */

/** Go's builtin functions; any other identifier is a parse error, as upstream has no Funcs. */
const BUILTIN_NAMES = [
  'and',
  'call',
  'eq',
  'ge',
  'gt',
  'html',
  'index',
  'js',
  'le',
  'len',
  'lt',
  'ne',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'slice',
  'urlquery',
] as const;

/** One of the builtin function names. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** Whether an identifier names a builtin function. */
export const isBuiltinName = (name: string): name is BuiltinName =>
  (BUILTIN_NAMES as readonly string[]).includes(name);

/** A variable resolved to its slot in the current template frame. */
export interface VarRef {
  readonly name: string;
  readonly slot: number;
}

/** A pipeline: optional declarations (`$x :=`, `$x =`) and `|`-separated commands. */
export interface Pipe {
  readonly kind: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decls: VarRef[];
  readonly cmds: Command[];
}

/** One pipeline stage: a function, field or literal and its arguments. */
export interface Command {
  readonly kind: 'command';
  readonly pos: number;
  readonly args: Operand[];
}

/** An argument or the first word of a command. */
export type Operand =
  | { readonly kind: 'field'; readonly pos: number; readonly idents: readonly string[] }
  | {
      readonly kind: 'variable';
      readonly pos: number;
      readonly ref: VarRef;
      readonly idents: readonly string[];
    }
  | {
      readonly kind: 'chain';
      readonly pos: number;
      readonly node: Operand;
      readonly idents: readonly string[];
    }
  | { readonly kind: 'identifier'; readonly pos: number; readonly name: BuiltinName }
  | { readonly kind: 'dot' | 'nil'; readonly pos: number }
  | { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
  | {
      readonly kind: 'number';
      readonly pos: number;
      readonly text: string;
      readonly value: number;
    }
  | { readonly kind: 'string'; readonly pos: number; readonly text: string; readonly value: string }
  | Pipe;

/** `if`, `with` or `range`: a pipeline, a body and an optional else body. */
export interface ControlNode<K extends 'if' | 'with' | 'range'> {
  readonly kind: K;
  readonly pos: number;
  readonly pipe: Pipe;
  readonly list: readonly Node[];
  readonly elseList: readonly Node[] | undefined;
}

/** A node of a template body. */
export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pos: number; readonly pipe: Pipe }
  | ControlNode<'if'>
  | ControlNode<'with'>
  | ControlNode<'range'>
  | { readonly kind: 'break' | 'continue'; readonly pos: number }
  | {
      readonly kind: 'template';
      readonly pos: number;
      readonly name: string;
      readonly pipe: Pipe | undefined;
    };

/** One named template: the main one or a `define` / `block`. */
export interface Definition {
  readonly name: string;
  readonly body: readonly Node[];
  /** Variable slots its frame needs. */
  readonly slots: number;
}

const fieldsString = (idents: readonly string[]): string => idents.map((i) => `.${i}`).join('');

const argString = (arg: Operand): string =>
  arg.kind === 'pipe' ? `(${nodeString(arg)})` : nodeString(arg);

/** Go's `Node.String()`, used as the `at <…>` context of execution errors. */
export const nodeString = (node: Operand | Command): string => {
  switch (node.kind) {
    case 'field':
      return fieldsString(node.idents);
    case 'variable':
      return `${node.ref.name}${fieldsString(node.idents)}`;
    case 'chain':
      return `${argString(node.node)}${fieldsString(node.idents)}`;
    case 'identifier':
      return node.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'number':
    case 'string':
      return node.text;
    case 'command':
      return node.args.map(argString).join(' ');
    case 'pipe': {
      const decl = node.decls.map((d) => d.name).join(', ');
      const cmds = node.cmds.map(nodeString).join(' | ');
      return decl === '' ? cmds : `${decl} ${node.isAssign ? '=' : ':='} ${cmds}`;
    }
  }
};
