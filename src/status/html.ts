/**
 * The few HTML building blocks the status page needs. Every text that reaches the page goes
 * through `esc` (element text and attribute values alike); markup is only ever built here.
 */

/** A fragment of markup that is already safe to insert. */
export interface Html {
  readonly html: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A cell's content: text (escaped) or markup built here. */
export type Content = string | number | Html;

const inner = (c: Content): string =>
  typeof c === 'object' ? c.html : esc(typeof c === 'number' ? String(c) : c);

const isList = (c: Content | readonly Content[]): c is readonly Content[] => Array.isArray(c);

/** `<tag class="…">content</tag>`; `cls` is one of the page's own class names. */
export const el = (tag: string, content: Content | readonly Content[], cls?: string): Html => {
  const body = isList(content) ? content.map((c) => inner(c)).join('') : inner(content);
  return { html: `<${tag}${cls === undefined ? '' : ` class="${esc(cls)}"`}>${body}</${tag}>` };
};

/** A table with a header row; a row marked `bad` is shown in red. */
export const table = (
  head: readonly string[],
  rows: readonly { readonly cells: readonly Content[]; readonly bad?: boolean }[],
): Html =>
  el('table', [
    el(
      'thead',
      el(
        'tr',
        head.map((h) => el('th', h)),
      ),
    ),
    el(
      'tbody',
      rows.map((r) =>
        el(
          'tr',
          r.cells.map((c) => el('td', c)),
          r.bad === true ? 'bad' : undefined,
        ),
      ),
    ),
  ]);

/** An ISO time, or `never` for 0. */
export const when = (ms: number): string => (ms === 0 ? 'never' : new Date(ms).toISOString());
