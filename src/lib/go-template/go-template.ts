/**
 * A Go text/template engine for the adapter's `<<` / `>>` templates (`metricsQuery`,
 * `resources.template`, resource rule queries). Templates are parsed and compiled to closures
 * once; `render` is synchronous and does no parsing.
 *
 * Supported: text, `<<.Field>>`, `<<.a.b>>`, `<<$>>`, variables (`:=`, `=`), pipelines with `|`,
 * parenthesised arguments, string / raw string / char / number / bool / nil literals, `if` /
 * `else if` / `else`, `with` / `else with`, `range` (with `$i, $v :=`, `else`, `break`,
 * `continue`, over slices, maps in key order and ints), `define` / `template` / `block`,
 * `<<- ` / ` ->>` trimming, comment actions (`<</*` … star-slash `>>`) and every Go builtin function. Values print as
 * Go's fmt does (`[a b]`, `map[k:v]`). Error messages are Go's.
 *
 * Deviations: integral numbers are Go ints (so `<<1e6>>` prints `1000000`, not `1e+06`);
 * complex numbers are rejected; `template` calls nest at most 1000 deep; with `fields`, an
 * unknown top-level field is a compile error rather than an execution error.
 */
import { parseTemplate } from './parse.ts';
import { compileList, newFrame } from './compile.ts';
import { TemplateError } from './error.ts';
import type { CompileContext, CompiledDefinition } from './exec-core.ts';
import { StructValue, type TemplateData } from '../go-fmt/go-fmt.ts';

export { TemplateError } from './error.ts';
export type { TemplateData } from '../go-fmt/go-fmt.ts';

/** Options of compileTemplate. */
export interface CompileOptions {
  /** Name used in error messages (`template: <name>:1: …`); default `template`. */
  readonly name?: string;
  /**
   * The top-level fields the data will have. When given, a reference to any other top-level
   * field (`.X`, `$.X` outside `with` / `range`) fails compilation.
   */
  readonly fields?: readonly string[];
}

/** A parsed and compiled template; immutable and safe to share. */
export interface CompiledTemplate {
  readonly name: string;
  /** The top-level fields the template references (e.g. to require `.Resource`). */
  readonly fields: ReadonlySet<string>;
  /**
   * Renders the template. The data behaves as a Go struct (unknown field: error), nested
   * records as Go maps. Throws TemplateError on execution errors, as Go's Execute does.
   */
  render(data: TemplateData): string;
}

/** Parses and compiles a template; throws TemplateError with Go's message on parse errors. */
export const compileTemplate = (text: string, options: CompileOptions = {}): CompiledTemplate => {
  const name = options.name ?? 'template';
  const parsed = parseTemplate(name, text);
  const defs = new Map<string, CompiledDefinition>();
  const referenced = new Set<string>();
  const base = {
    source: text,
    parseName: name,
    knownFields: options.fields === undefined ? undefined : new Set(options.fields),
    referenced,
    defs,
  };
  const context = (execName: string, root: boolean): CompileContext => ({
    ...base,
    execName,
    dotIsRoot: root,
    dollarIsRoot: root,
  });
  for (const def of parsed.defs.values()) {
    defs.set(def.name, { slots: def.slots, exec: compileList(def.body, context(def.name, false)) });
  }
  const main = compileList(parsed.main.body, context(name, true));
  const { slots } = parsed.main;
  if (!defs.has(name)) defs.set(name, { slots, exec: main });
  const render = (data: TemplateData): string => {
    const root = new StructValue(data);
    const state = { out: '', vars: newFrame(slots, root), depth: 0 };
    try {
      main(state, root);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      throw new TemplateError(`template: ${name}: ${String(err)}`, { cause: err });
    }
    return state.out;
  };
  return Object.freeze({ name, fields: referenced, render });
};
