/**
 * The list options the metric routes read from the query, with upstream's error mapping:
 * `labelSelector` and `fieldSelector` failures are 400 BadRequest (parameter decoding),
 * `metricLabelSelector` failures are a 500 with an empty reason (the registry's plain error).
 */
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { parseFieldSelector } from '../kubernetes/field-selector.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import { badRequest, plainInternal } from './errors.ts';

const KNOWN_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const parseOr = <T>(
  text: string,
  parse: (t: string) => T,
  fail: (m: string, c: unknown) => Error,
): T => {
  try {
    return parse(text);
  } catch (err) {
    throw fail(messageOf(err), err);
  }
};

/** `labelSelector` (default everything); 400 with the parser's text when it does not parse. */
export const objectSelector = (query: URLSearchParams): LabelSelector =>
  parseOr(query.get('labelSelector') ?? '', parseLabelSelector, (m, cause) =>
    badRequest(m, { cause }),
  );

/** `metricLabelSelector` (default everything); a 500 with empty reason when it does not parse. */
export const metricSelector = (query: URLSearchParams): LabelSelector =>
  parseOr(query.get('metricLabelSelector') ?? '', parseLabelSelector, (m, cause) =>
    plainInternal(m, { cause }),
  );

/**
 * Validates `fieldSelector` for a request naming one object (or `*`): it must parse, use only
 * metadata fields, and pin `metadata.name` to that name.
 */
export const checkFieldSelector = (query: URLSearchParams, name: string): void => {
  const terms = parseOr(query.get('fieldSelector') ?? '', parseFieldSelector, (m, cause) =>
    badRequest(m, { cause }),
  );
  if (terms.length === 0) return;
  const unknown = terms.find((t) => !KNOWN_FIELDS.has(t.field));
  if (unknown !== undefined) {
    throw badRequest(
      `${JSON.stringify(unknown.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
    );
  }
  const pinned = terms.find((t) => t.field === 'metadata.name' && t.operator === '=');
  if (pinned?.value !== name) {
    throw badRequest("fieldSelector metadata.name doesn't match requested name");
  }
};
