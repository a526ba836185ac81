/**
 * The API server as a function `ApiRequest → ApiResponse`, with no sockets: request info,
 * authentication outcome (401), authorization (403), routing, error → Status, negotiation and
 * the common headers. `api/serve.ts` puts it on TLS; tests call `handle` directly.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { ApiGroup } from './api-group.ts';
import { customMetricsGroup } from './custom-metrics.ts';
import { externalMetricsGroup } from './external-metrics.ts';
import { parseTarget, type ParsedTarget } from './go-query.ts';
import {
  headerValue,
  userOf,
  type ApiRequest,
  type ApiResponse,
  type HeaderMap,
  type Identity,
} from './http-types.ts';
import {
  createEncodeMemo,
  plainError,
  render,
  type EncodeMemo,
  type RenderContext,
  type Reply,
} from './negotiate.ts';
import { buildOpenApi } from './openapi.ts';
import type { CustomMetricsProvider, ExternalMetricsProvider, HealthSource } from './provider.ts';
import {
  parseRequestInfo,
  RequestInfoError,
  toAttributes,
  type RequestAttributes,
  type RequestInfo,
} from './request-info.ts';
import {
  route,
  type MetricsText,
  type OperatorRoutes,
  type RouterDeps,
  type VersionInfo,
} from './router.ts';
import { failureStatus, forbidden, toStatus, unauthorized } from './status.ts';

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Appended to the 403 message (the SubjectAccessReview's reason). */
  readonly reason?: string;
}

/** One finished request, for self-metrics (apiserver_request_total and friends). */
export interface RequestRecord {
  readonly method: string;
  /** Undefined when the target could not be parsed. */
  readonly attributes: RequestAttributes | undefined;
  readonly code: number;
  readonly seconds: number;
}

/**
 * What the `impersonate` hook decided about a request's `Impersonate-*` headers: go on `as` an
 * identity (the caller's own when there were none), `denied` (403 naming what may not be
 * impersonated), or `invalid` (400, e.g. groups without a user).
 */
export type ImpersonationResult =
  | { readonly kind: 'as'; readonly identity: Identity | undefined }
  | { readonly kind: 'denied'; readonly attrs: RequestAttributes; readonly reason: string }
  | { readonly kind: 'invalid'; readonly message: string };

export interface AppDeps {
  readonly custom?: CustomMetricsProvider;
  readonly external?: ExternalMetricsProvider;
  /** Further groups (e.g. metrics.k8s.io), installed after custom and external. */
  readonly extraGroups?: readonly ApiGroup[];
  readonly health: HealthSource;
  readonly metricsText?: MetricsText;
  /** Operator pages (status, explain) by exact path; see `OperatorRoutes`. */
  readonly operatorRoutes?: OperatorRoutes;
  /**
   * Called for every request before routing (health paths included: exempting paths such as
   * `/healthz` is the authorizer's business). A throw answers 500.
   */
  readonly authorize?: (
    attrs: RequestAttributes,
    identity: Identity | undefined,
  ) => Promise<AuthorizationDecision>;
  /** Applied after authentication and before `authorize`, as the apiserver's filter chain. */
  readonly impersonate?: (
    headers: HeaderMap,
    identity: Identity | undefined,
  ) => Promise<ImpersonationResult>;
  readonly now: () => Date;
  readonly version: VersionInfo;
  readonly logger: Logger;
  /** `:<port>` for serverAddressByClientCIDRs in `/apis`; omitted when undefined. */
  readonly serverAddress?: string;
  readonly onRequest?: (record: RequestRecord) => void;
  /** Audit-Id for requests that did not send one (default: random UUID). */
  readonly newAuditId?: () => string;
}

export interface App {
  /** Never rejects: every failure becomes a response. */
  handle(req: ApiRequest): Promise<ApiResponse>;
}

const groupsOf = (deps: AppDeps): ApiGroup[] => [
  ...(deps.custom === undefined ? [] : [customMetricsGroup(deps.custom)]),
  ...(deps.external === undefined ? [] : [externalMetricsGroup(deps.external)]),
  ...(deps.extraGroups ?? []),
];

/** The 401 (rejected credentials) or 403 (authorizer said no) reply, if any. */
const checkAccess = async (
  deps: AppDeps,
  req: ApiRequest,
  info: RequestInfo,
): Promise<Reply | undefined> => {
  let identity = req.identity;
  if (identity !== undefined && 'rejected' in identity) {
    return { kind: 'status', result: unauthorized() };
  }
  if (deps.impersonate !== undefined) {
    const as = await deps.impersonate(req.headers, identity);
    if (as.kind === 'invalid') {
      return { kind: 'status', result: failureStatus(400, 'BadRequest', as.message) };
    }
    if (as.kind === 'denied') {
      const requestor = userOf(identity)?.name ?? '';
      return { kind: 'status', result: forbidden(as.attrs, requestor, as.reason) };
    }
    identity = as.identity;
  }
  if (deps.authorize === undefined) return undefined;
  const attrs = toAttributes(info);
  const decision = await deps.authorize(attrs, identity);
  if (decision.allowed) return undefined;
  const user = userOf(identity)?.name ?? '';
  return { kind: 'status', result: forbidden(attrs, user, decision.reason) };
};

interface Outcome {
  readonly reply: Reply;
  readonly info?: RequestInfo;
}

const respond = async (
  deps: AppDeps,
  router: RouterDeps,
  req: ApiRequest,
  target: ParsedTarget,
): Promise<Outcome> => {
  let info: RequestInfo | undefined;
  try {
    info = parseRequestInfo(req.method, target.path, target.query);
    const denied = await checkAccess(deps, req, info);
    if (denied !== undefined) return { reply: denied, info };
    const { method, headers } = req;
    const { path, query } = target;
    const signal = req.signal ?? new AbortController().signal;
    return { reply: await route(router, { method, path, query, headers, info, signal }), info };
  } catch (err) {
    const reply: Reply =
      err instanceof RequestInfoError
        ? plainError(500, `Internal Server Error: ${JSON.stringify(req.path)}: ${err.message}`)
        : { kind: 'status', result: toStatus(err, deps.logger) };
    return { reply, ...(info && { info }) };
  }
};

const renderContext = (
  req: ApiRequest,
  query: URLSearchParams,
  auditId: string,
  encoded: EncodeMemo,
): RenderContext => ({
  accept: headerValue(req.headers, 'accept'),
  userAgent: headerValue(req.headers, 'user-agent'),
  query,
  auditId,
  encoded,
});

/** Builds the app from its providers; groups are installed only for the providers given. */
export const createApp = (deps: AppDeps): App => {
  const groups = groupsOf(deps);
  const router: RouterDeps = { ...deps, groups, openapi: buildOpenApi(groups) };
  const newAuditId = deps.newAuditId ?? randomUUID;
  const encoded = createEncodeMemo();
  return {
    handle: async (req) => {
      const started = deps.now().getTime();
      const auditId = headerValue(req.headers, 'audit-id') ?? newAuditId();
      const target = parseTarget(req.path);
      const { reply, info }: Outcome =
        target === undefined
          ? { reply: plainError(400, '400 Bad Request') }
          : await respond(deps, router, req, target);
      const query = target?.query ?? new URLSearchParams();
      const response = render(reply, renderContext(req, query, auditId, encoded));
      const attributes = info === undefined ? undefined : toAttributes(info);
      const seconds = (deps.now().getTime() - started) / 1000;
      deps.onRequest?.({ method: req.method, attributes, code: response.status, seconds });
      return response;
    },
  };
};
