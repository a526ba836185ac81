/**
 * Serving the OpenAPI documents as kube-openapi does: a strong ETag with `If-None-Match` → 304;
 * a v3 document asked with a stale `?hash=` is redirected (301) to the current one, and with
 * the current hash it may be cached for good.
 */
import { headerValue, type HeaderMap } from './http-types.ts';
import type { Reply } from './negotiate.ts';
import type { OpenApiDoc, OpenApiDocs } from './openapi.ts';

const YEAR_SECONDS = 31_536_000;

const serve = (doc: OpenApiDoc, headers: HeaderMap, extra: Record<string, string> = {}): Reply => {
  const etag = `"${doc.hash}"`;
  if (headerValue(headers, 'if-none-match') === etag) {
    return { kind: 'raw', status: 304, headers: { etag, ...extra }, body: '' };
  }
  return {
    kind: 'raw',
    status: 200,
    headers: { 'content-type': 'application/json', etag, ...extra },
    body: doc.body,
  };
};

/**
 * The reply for `/openapi/<rest…>` (segments after `openapi`), or undefined when no document
 * lives there.
 */
export const openApiReply = (
  docs: OpenApiDocs,
  rest: readonly string[],
  query: URLSearchParams,
  headers: HeaderMap,
): Reply | undefined => {
  const [version, ...tail] = rest;
  if (version === 'v2' && tail.length === 0) return serve(docs.v2, headers);
  if (version !== 'v3') return undefined;
  if (tail.length === 0 || (tail.length === 1 && tail[0] === ''))
    return serve(docs.v3Index, headers);
  const key = tail.join('/');
  const doc = docs.v3.get(key);
  if (doc === undefined) return undefined;
  const hash = query.get('hash');
  if (hash === null || hash === '') return serve(doc, headers);
  if (hash !== doc.hash) {
    const location = `/openapi/v3/${key}?hash=${doc.hash}`;
    return { kind: 'raw', status: 301, headers: { location }, body: '' };
  }
  return serve(doc, headers, { 'cache-control': `public, immutable, max-age=${YEAR_SECONDS}` });
};
