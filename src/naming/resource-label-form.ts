/**
 * The generic label form of `resources.template` (PA `lbl_res.go`): the template rendered in
 * both directions, resource → label name and label name → `{group, resource}`.
 *
 * Deviation: upstream renders the template with `(?P<group>.+?)` / `(?P<resource>.+?)` and
 * compiles the output as a regex, so regex characters in the literal template text act as
 * regex syntax. We regex-escape the literal text, so `kube.<<.Resource>>` only matches a
 * literal dot. Label names cannot contain regex characters anyway, so only odd templates differ.
 */
import { compileTemplate, type CompiledTemplate } from '../lib/go-template/go-template.ts';
import { goQuote } from '../lib/go-fmt/go-fmt.ts';
import { NamingError } from './naming-error.ts';

/** Placeholders rendered in place of `.Group` / `.Resource` to locate them in the output. */
const GROUP = '\uE000group\uE000';
const RESOURCE = '\uE000resource\uE000';

/** A compiled `resources.template`. */
export interface LabelForm {
  /** The label name for a (sanitised) group and a singular resource name. */
  render(group: string, resource: string): string;
  /** `{group, resource}` as written in a matching label name, or undefined. */
  parse(label: string): { readonly group: string; readonly resource: string } | undefined;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Builds `^…$` from the placeholder rendering; returns the group indices (last one wins, as upstream). */
const labelRegex = (rendered: string): { regex: RegExp; group?: number; resource?: number } => {
  const parts = rendered.split(/(\uE000group\uE000|\uE000resource\uE000)/);
  let source = '^';
  let count = 0;
  const found: { group?: number; resource?: number } = {};
  for (const part of parts) {
    if (part === GROUP || part === RESOURCE) {
      count++;
      source += '(.+?)';
      found[part === GROUP ? 'group' : 'resource'] = count;
    } else source += escapeRegex(part);
  }
  return { regex: new RegExp(`${source}$`), ...found };
};

const failure = (template: string, message: string, cause?: unknown): NamingError =>
  new NamingError(
    `unable to generate label format from template ${goQuote(template)}: ${message}`,
    cause === undefined ? undefined : { cause },
  );

const compile = (template: string): CompiledTemplate => {
  try {
    return compileTemplate(template, { name: 'resource-label', fields: ['Group', 'Resource'] });
  } catch (err) {
    const message = `unable to parse label template ${goQuote(template)}: ${(err as Error).message}`;
    throw new NamingError(message, { cause: err });
  }
};

/** Compiles `resources.template`; throws NamingError (upstream-behaviour: resources). */
export const compileLabelForm = (template: string): LabelForm => {
  const tpl = compile(template);
  let rendered: string;
  try {
    rendered = tpl.render({ Group: GROUP, Resource: RESOURCE });
  } catch (err) {
    const message = `unable to convert label template to matcher: ${(err as Error).message}`;
    throw failure(template, message, err);
  }
  if (rendered === '')
    throw failure(template, 'unable to convert label template to matcher: empty template');
  const { regex, group, resource } = labelRegex(rendered);
  if (resource === undefined) {
    throw failure(template, 'must include at least `<<.Resource>>` in the label template');
  }
  return Object.freeze({
    render: (g: string, r: string) => tpl.render({ Group: g, Resource: r }),
    parse: (label: string) => {
      const m = regex.exec(label);
      if (m === null) return undefined;
      return { group: group === undefined ? '' : (m[group] ?? ''), resource: m[resource] ?? '' };
    },
  });
};
