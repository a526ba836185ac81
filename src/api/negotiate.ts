/**
 * Content negotiation and response rendering. We serve JSON only: `*\/*`, `application/*` and
 * `application/json` (with any parameters) are acceptable, so the HPA's
 * `application/vnd.kubernetes.protobuf, *\/*` gets JSON; nothing acceptable gives a 406 Status.
 */
import type { ApiResponse } from './http-types.ts';
import { goParseBool } from './go-query.ts';
import { notAcceptable, type StatusResult } from './status.ts';

/** What a handler produced, before negotiation and the common headers. */
export type Reply =
  /** A Kubernetes object, serialized by the negotiated serializer. */
  | { readonly kind: 'object'; readonly status: number; readonly value: unknown }
  /** An error Status, serialized like an object plus `X-Content-Type-Options: nosniff`. */
  | { readonly kind: 'status'; readonly result: StatusResult }
  /** A finished body (health text, /metrics, openapi, `/`, /version, plain 404). */
  | {
      readonly kind: 'raw';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | Buffer;
    };

export interface RenderContext {
  readonly accept: string | undefined;
  readonly userAgent: string | undefined;
  readonly query: URLSearchParams;
  readonly auditId: string;
  /** Encodings of objects already rendered (see `createEncodeMemo`); none: encode every time. */
  readonly encoded?: EncodeMemo;
}

/**
 * The encoded bodies of objects rendered before, keyed weakly on the object: a handler that
 * returns the very same object again (custom metrics within one coalescing window) is not
 * re-encoded. Objects are never mutated after a handler returns them.
 */
export interface EncodeMemo {
  body(value: unknown, pretty: boolean): Buffer;
}

export const createEncodeMemo = (): EncodeMemo => {
  const bodies = new WeakMap<object, { compact?: Buffer; pretty?: Buffer }>();
  return {
    body(value, pretty) {
      if (typeof value !== 'object' || value === null) {
        return Buffer.from(encodeJson(value, pretty));
      }
      let entry = bodies.get(value);
      if (entry === undefined) {
        entry = {};
        bodies.set(value, entry);
      }
      const which = pretty ? 'pretty' : 'compact';
      // A Buffer: the socket writes it as is, with no UTF-8 encoding per response.
      return (entry[which] ??= Buffer.from(encodeJson(value, pretty)));
    },
  };
};

const JSON_TYPE = 'application/json';
const PRETTY_AGENTS = ['curl', 'Wget', 'Mozilla/5.0'];

/** One media range of an Accept header: lowercase type, quality and parameters. */
export interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses one media range (`application/json;as=Table;v=v1`); a bad `q` reads as 0. */
export const parseRange = (text: string): MediaRange => {
  const [type = '', ...rest] = text.split(';').map((p) => p.trim());
  const params = new Map(
    rest.map((p) => {
      const eq = p.indexOf('=');
      return eq === -1
        ? [p.toLowerCase(), '']
        : [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()];
    }),
  );
  const q = Number(params.get('q') ?? '1');
  return { type: type.toLowerCase(), q: Number.isNaN(q) ? 0 : q, params };
};

/**
 * The JSON media range the Accept header admits, or undefined when it admits none. An absent
 * or empty header admits JSON.
 */
const negotiateJson = (accept: string | undefined): MediaRange | undefined => {
  if (accept === undefined || accept.trim() === '') return parseRange(JSON_TYPE);
  return accept
    .split(',')
    .map(parseRange)
    .find(
      (r) => r.q > 0 && (r.type === '*/*' || r.type === 'application/*' || r.type === JSON_TYPE),
    );
};

/**
 * apiserver's isPrettyPrint: an explicit `?pretty=` (Go ParseBool) wins; otherwise curl, Wget
 * and browsers get indented output. A `pretty=1` media-type parameter also asks for it.
 */
const isPretty = (ctx: RenderContext, range?: MediaRange): boolean => {
  const explicit = ctx.query.get('pretty');
  if (explicit !== null && explicit !== '') return goParseBool(explicit);
  if (range?.params.get('pretty') === '1') return true;
  const agent = ctx.userAgent ?? '';
  return PRETTY_AGENTS.some((p) => agent.startsWith(p));
};

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped; compact
 * output ends with a newline (json.Encoder), indented output (2 spaces) does not.
 */
const encodeJson = (value: unknown, pretty: boolean): string => {
  const text = JSON.stringify(value, undefined, pretty ? 2 : undefined).replace(
    HTML_UNSAFE,
    escapeChar,
  );
  return pretty ? text : `${text}\n`;
};

/** WriteRawJSON: always indented, no trailing newline, `application/json`. */
export const rawJson = (status: number, value: unknown): Reply => ({
  kind: 'raw',
  status,
  headers: { 'content-type': JSON_TYPE },
  body: encodeJson(value, true),
});

/** Go's http.Error: the text plus a newline, as text/plain with nosniff. */
export const plainError = (status: number, text: string): Reply => ({
  kind: 'raw',
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  body: `${text}\n`,
});

const finish = (
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Buffer,
  auditId: string,
): ApiResponse => ({
  status,
  headers: { 'audit-id': auditId, 'cache-control': 'no-cache, private', ...headers },
  body,
});

/** Renders a reply: negotiates the serializer and adds `Audit-Id` and `Cache-Control`. */
export const render = (reply: Reply, ctx: RenderContext): ApiResponse => {
  if (reply.kind === 'raw') return finish(reply.status, reply.headers, reply.body, ctx.auditId);
  const range = negotiateJson(ctx.accept);
  if (range === undefined) {
    const headers = { 'content-type': JSON_TYPE, 'x-content-type-options': 'nosniff' };
    return finish(406, headers, encodeJson(notAcceptable([JSON_TYPE]).body, true), ctx.auditId);
  }
  const pretty = isPretty(ctx, range);
  if (reply.kind === 'status') {
    const headers = { 'content-type': JSON_TYPE, 'x-content-type-options': 'nosniff' };
    return finish(reply.result.code, headers, encodeJson(reply.result.body, pretty), ctx.auditId);
  }
  const body =
    ctx.encoded === undefined
      ? encodeJson(reply.value, pretty)
      : ctx.encoded.body(reply.value, pretty);
  return finish(reply.status, { 'content-type': JSON_TYPE }, body, ctx.auditId);
};
