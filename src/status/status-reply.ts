/**
 * The `/status` answer: HTML, or JSON for `?format=json` or an Accept header that prefers
 * `application/json` over `text/html`.
 */
import { renderStatusHtml } from './render-html.ts';
import type { StatusSnapshot } from './status-snapshot.ts';

export interface StatusAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Whether the client asked for JSON (the query parameter wins over Accept). */
export const wantsJson = (format: string | null, accept: string | undefined): boolean => {
  if (format !== null) return format === 'json';
  if (accept === undefined) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]?.trim().toLowerCase());
  const json = types.indexOf('application/json');
  const html = types.indexOf('text/html');
  return json >= 0 && (html < 0 || json < html);
};

export const statusAnswer = (snapshot: StatusSnapshot, json: boolean): StatusAnswer =>
  json
    ? {
        status: 200,
        contentType: 'application/json',
        body: `${JSON.stringify(snapshot, undefined, 2)}\n`,
      }
    : { status: 200, contentType: 'text/html; charset=utf-8', body: renderStatusHtml(snapshot) };
