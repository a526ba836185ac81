/**
 * Parser of the template subset (Go text/template/parse/parse.go): lists, actions, control
 * structures (`if`/`else if`, `with`/`else with`, `range`, `break`, `continue`) and named
 * templates (`define`, `template`, `block`). Errors are Go's, e.g.
 * `template: q:1: function "join" not defined`.
 */
import type { Definition, Node, Pipe, VarRef } from './ast.ts';
import { TemplateError } from './error.ts';
import type { Token, TokenKind } from './lex-core.ts';
import { lex } from './lex.ts';
import { pipeline, type ParserCore } from './parse-pipeline.ts';
import { goQuote, unquoteString } from '../go-fmt/go-fmt.ts';

type Marker = { readonly kind: 'end' | 'else' };
type Item = Node | Marker;

const isMarker = (n: Item): n is Marker => n.kind === 'end' || n.kind === 'else';
const markerString = (m: Marker): string => `{{${m.kind}}}`;
const isKeyword = (t: Token, word: string): boolean => t.kind === 'keyword' && t.text === word;

/** Go's `item.String()` for "unexpected …" messages. */
const describe = (t: Token): string => {
  if (t.kind === 'eof') return 'EOF';
  if (t.kind === 'keyword' || t.kind === 'dot' || t.kind === 'nil') return `<${t.text}>`;
  const runes = Array.from(t.text);
  return runes.length > 10 ? `${goQuote(runes.slice(0, 10).join(''))}...` : goQuote(t.text);
};

/** Go's `IsEmptyTree`: only whitespace text. */
const isEmptyBody = (body: readonly Node[]): boolean =>
  body.every((n) => n.kind === 'text' && n.text.trim() === '');

/** The result of parsing: the main template and every `define`d / `block` template. */
export interface ParsedTemplate {
  readonly main: Definition;
  readonly defs: ReadonlyMap<string, Definition>;
}

class Parser implements ParserCore {
  readonly #tokens: readonly Token[];
  readonly #name: string;
  #i = 0;
  #line = 1;
  #actionLine = 0;
  #vars: VarRef[] = [];
  #slots = 0;
  #rangeDepth = 0;
  readonly defs = new Map<string, Definition>();

  constructor(name: string, text: string) {
    this.#name = name;
    this.#tokens = lex(text);
  }

  next(): Token {
    const token = this.#tokens[Math.min(this.#i++, this.#tokens.length - 1)];
    if (token === undefined) throw new TemplateError('template: empty token stream');
    this.#line = token.line;
    return token;
  }
  backup(): void {
    this.#i--;
  }
  peek(): Token {
    const token = this.next();
    this.backup();
    return token;
  }
  nextNonSpace(): Token {
    let token = this.next();
    while (token.kind === 'space') token = this.next();
    return token;
  }
  peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }
  mark(): number {
    return this.#i;
  }
  reset(mark: number): void {
    this.#i = mark;
  }
  errorf(message: string): never {
    throw new TemplateError(`template: ${this.#name}:${this.#line}: ${message}`);
  }
  unexpected(token: Token, context: string): never {
    if (token.kind !== 'error') return this.errorf(`unexpected ${describe(token)} in ${context}`);
    let started = '';
    if (this.#actionLine !== 0 && this.#actionLine !== token.line) {
      started = ` in action started at ${this.#name}:${this.#actionLine}`;
      if (token.text.endsWith(' action')) started = started.slice(' in action'.length);
    }
    this.#line = token.line;
    return this.errorf(`${token.text}${started}`);
  }
  declare(name: string): VarRef {
    const ref = { name, slot: this.#slots++ };
    this.#vars.push(ref);
    return ref;
  }
  lookup(name: string): VarRef | undefined {
    return this.#vars.findLast((v) => v.name === name);
  }

  expect(kind: TokenKind, context: string): Token {
    const token = this.nextNonSpace();
    return token.kind === kind ? token : this.unexpected(token, context);
  }

  /** Parses a whole template body in a fresh variable frame (`$` in slot 0). */
  inFrame(parse: () => readonly Node[]): { body: readonly Node[]; slots: number } {
    const saved = { vars: this.#vars, slots: this.#slots, rangeDepth: this.#rangeDepth };
    this.#vars = [];
    this.#slots = 0;
    this.#rangeDepth = 0;
    this.declare('$');
    const body = parse();
    const slots = this.#slots;
    ({ vars: this.#vars, slots: this.#slots, rangeDepth: this.#rangeDepth } = saved);
    return { body, slots };
  }

  addDefinition(name: string, body: readonly Node[], slots: number): void {
    const existing = this.defs.get(name);
    if (existing !== undefined && !isEmptyBody(existing.body) && !isEmptyBody(body)) {
      this.errorf(`template: multiple definition of template ${goQuote(name)}`);
    }
    if (existing === undefined || isEmptyBody(existing.body))
      this.defs.set(name, { name, body, slots });
  }

  /** Top level: text, actions and `define` clauses until EOF. */
  parseMain(): Definition {
    const { body, slots } = this.inFrame(() => {
      const list: Node[] = [];
      while (this.peek().kind !== 'eof') {
        const start = this.mark();
        if (this.next().kind === 'leftDelim' && isKeyword(this.nextNonSpace(), 'define')) {
          this.parseDefinition();
          continue;
        }
        this.reset(start);
        const n = this.textOrAction();
        if (isMarker(n)) this.errorf(`unexpected ${markerString(n)}`);
        list.push(n);
      }
      return list;
    });
    return { name: this.#name, body, slots };
  }

  templateName(token: Token, context: string): string {
    if (token.kind !== 'string' && token.kind !== 'rawString') this.unexpected(token, context);
    try {
      return unquoteString(token.text);
    } catch {
      return this.errorf('invalid syntax');
    }
  }

  /** The body of a `define` or `block`, which must end with `end`. */
  definitionBody(name: string, context: string): void {
    const { body, slots } = this.inFrame(() => {
      const { list, end } = this.itemList();
      if (end.kind !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
      return list;
    });
    this.addDefinition(name, body, slots);
  }

  parseDefinition(): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect('rightDelim', context);
    this.definitionBody(name, context);
  }

  itemList(): { list: Node[]; end: Marker } {
    const list: Node[] = [];
    while (this.peekNonSpace().kind !== 'eof') {
      const n = this.textOrAction();
      if (isMarker(n)) return { list, end: n };
      list.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  textOrAction(): Item {
    const token = this.nextNonSpace();
    if (token.kind === 'text') return { kind: 'text', text: token.text };
    if (token.kind !== 'leftDelim') this.unexpected(token, 'input');
    this.#actionLine = token.line;
    const item = this.action();
    this.#actionLine = 0;
    return item;
  }

  action(): Item {
    const token = this.nextNonSpace();
    if (token.kind === 'keyword') {
      switch (token.text) {
        case 'block':
          return this.blockControl();
        case 'break':
        case 'continue':
          return this.loopControl(token);
        case 'else':
          return this.elseControl();
        case 'end':
          this.expect('rightDelim', 'end');
          return { kind: 'end' };
        case 'if':
        case 'range':
        case 'with':
          return this.control(token.text, token.pos);
        case 'template':
          return this.templateControl();
      }
    }
    this.backup();
    const pos = this.peek().pos;
    return { kind: 'action', pos, pipe: pipeline(this, 'command', 'rightDelim') };
  }

  loopControl(token: Token): Node {
    const kind = token.text === 'break' ? 'break' : 'continue';
    const next = this.nextNonSpace();
    if (next.kind !== 'rightDelim') this.unexpected(next, `{{${kind}}}`);
    if (this.#rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: token.pos };
  }

  elseControl(): Marker {
    const peek = this.peekNonSpace();
    if (!isKeyword(peek, 'if') && !isKeyword(peek, 'with')) this.expect('rightDelim', 'else');
    return { kind: 'else' };
  }

  /** `if`, `with` or `range`: pipeline, list, optional else list (`else if` / `else with`). */
  control(kind: 'if' | 'with' | 'range', pos: number): Node {
    const scope = this.#vars.length;
    const pipe: Pipe = pipeline(this, kind, 'rightDelim');
    if (kind === 'range') this.#rangeDepth++;
    const { list, end } = this.itemList();
    if (kind === 'range') this.#rangeDepth--;
    let elseList: Node[] | undefined;
    if (end.kind === 'else') {
      const next = this.peek();
      if (kind !== 'range' && isKeyword(next, kind)) {
        this.next();
        elseList = [this.control(kind, next.pos)];
      } else {
        const rest = this.itemList();
        if (rest.end.kind !== 'end') this.errorf(`expected end; found ${markerString(rest.end)}`);
        elseList = rest.list;
      }
    }
    this.#vars.length = scope;
    return { kind, pos, pipe, list, elseList };
  }

  templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: Pipe | undefined;
    if (this.nextNonSpace().kind !== 'rightDelim') {
      this.backup();
      pipe = pipeline(this, context, 'rightDelim');
    }
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = pipeline(this, context, 'rightDelim');
    this.definitionBody(name, context);
    return { kind: 'template', pos: token.pos, name, pipe };
  }
}

/** Parses a template; throws TemplateError with Go's parse error text. */
export const parseTemplate = (name: string, text: string): ParsedTemplate => {
  const parser = new Parser(name, text);
  let main = parser.parseMain();
  const redefined = parser.defs.get(name);
  if (redefined !== undefined) {
    if (!isEmptyBody(main.body) && !isEmptyBody(redefined.body)) {
      parser.errorf(`template: multiple definition of template ${goQuote(name)}`);
    }
    if (isEmptyBody(main.body)) main = redefined;
  }
  return { main, defs: parser.defs };
};
