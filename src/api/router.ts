/**
 * The route table. Paths under a registered go-restful prefix (`/apis`, `/apis/<group>`,
 * `/version`) answer unknown paths with a 404 Status and other methods than GET with a 405
 * Status; everything else (health, /metrics, openapi, `/`) accepts any method and answers
 * unknown paths with a plain `404 page not found`.
 */
import type { Logger } from '../log.ts';
import type { ApiGroup } from './api-group.ts';
import { apiGroupDoc, apiGroupList, apiResourceList, rootPaths } from './discovery-docs.ts';
import { healthChecks, healthReport, singleCheck, type HealthEndpoint } from './health.ts';
import type { HeaderMap } from './http-types.ts';
import { plainError, rawJson, type Reply } from './negotiate.ts';
import { openApiReply } from './openapi-reply.ts';
import type { OpenApiDocs } from './openapi.ts';
import type { HealthSource } from './provider.ts';
import type { RequestInfo } from './request-info.ts';
import { methodNotAllowed, routeNotFound, type StatusResult } from './status.ts';

/** `/version` fields beyond major/minor (`1`/`0`, as custom-metrics-apiserver sets them). */
export interface VersionInfo {
  readonly gitVersion: string;
  readonly gitCommit?: string;
  readonly gitTreeState?: string;
  readonly buildDate?: string;
  readonly goVersion?: string;
  readonly compiler?: string;
  readonly platform?: string;
}

/** The adapter's own metrics in Prometheus text format. */
export type MetricsText = () => Promise<{ readonly contentType: string; readonly body: string }>;

/** What an operator route (status page, explain) sees of a request. */
export interface OperatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  readonly signal: AbortSignal;
}

/** A finished answer of an operator route. */
export interface OperatorReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Non-resource paths for operators (e.g. `/status`, `/debug/explain`), by exact path. They pass
 * the same authentication and authorization as `/metrics` (a non-resource SubjectAccessReview).
 */
export type OperatorRoutes = Readonly<
  Record<string, (req: OperatorRequest) => Promise<OperatorReply>>
>;

export interface RouterDeps {
  readonly groups: readonly ApiGroup[];
  readonly operatorRoutes?: OperatorRoutes;
  readonly health: HealthSource;
  readonly metricsText?: MetricsText;
  readonly version: VersionInfo;
  readonly serverAddress?: string;
  readonly openapi: OpenApiDocs;
  readonly logger: Logger;
  readonly now: () => Date;
}

export interface RoutedRequest {
  readonly method: string;
  /** Decoded path. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  readonly info: RequestInfo;
  readonly signal: AbortSignal;
}

const NOT_FOUND = plainError(404, '404 page not found');
const status = (result: StatusResult): Reply => ({ kind: 'status', result });
const object = (value: unknown): Reply => ({ kind: 'object', status: 200, value });
const isEnd = (rest: readonly string[]): boolean =>
  rest.length === 0 || (rest.length === 1 && rest[0] === '');

/** A go-restful GET route: 405 for other methods. */
const getOnly = async (req: RoutedRequest, reply: () => Reply | Promise<Reply>): Promise<Reply> =>
  req.method === 'GET' ? reply() : status(methodNotAllowed());

const versionReply = (v: VersionInfo): Reply =>
  rawJson(200, {
    major: '1',
    minor: '0',
    gitVersion: v.gitVersion,
    gitCommit: v.gitCommit ?? '',
    gitTreeState: v.gitTreeState ?? '',
    buildDate: v.buildDate ?? '',
    goVersion: v.goVersion ?? '',
    compiler: v.compiler ?? '',
    platform: v.platform ?? '',
  });

const groupRoute = async (
  deps: RouterDeps,
  req: RoutedRequest,
  g: ApiGroup,
  rest: readonly string[],
): Promise<Reply> => {
  if (isEnd(rest)) return getOnly(req, () => object(apiGroupDoc(g)));
  const version = rest[0] ?? '';
  if (!g.versions.includes(version)) return status(routeNotFound());
  const segments = rest.slice(1);
  if (isEnd(segments)) return getOnly(req, () => object(apiResourceList(g, version)));
  const handler = g.match(segments);
  if (handler === undefined) return status(routeNotFound());
  return getOnly(req, async () => object(await handler({ ...req, version, now: deps.now })));
};

const apisRoute = async (
  deps: RouterDeps,
  req: RoutedRequest,
  rest: readonly string[],
): Promise<Reply> => {
  if (isEnd(rest)) return getOnly(req, () => object(apiGroupList(deps.groups, deps.serverAddress)));
  const group = deps.groups.find((g) => g.name === rest[0]);
  return group === undefined ? NOT_FOUND : groupRoute(deps, req, group, rest.slice(1));
};

const healthRoute = (
  deps: RouterDeps,
  req: RoutedRequest,
  endpoint: HealthEndpoint,
  rest: readonly string[],
): Reply => {
  const checks = healthChecks(deps.health, endpoint);
  if (rest.length === 0) return healthReport(endpoint, checks, req.query, deps.logger);
  return (rest.length === 1 ? singleCheck(checks, rest[0] ?? '') : undefined) ?? NOT_FOUND;
};

const indexReply = (deps: RouterDeps): Reply => {
  const names = (e: HealthEndpoint) => healthChecks(deps.health, e).map(([n]) => n);
  const checks = { healthz: names('healthz'), livez: names('livez'), readyz: names('readyz') };
  return rawJson(
    200,
    rootPaths({ groups: deps.groups, checks, metrics: deps.metricsText !== undefined }),
  );
};

const metricsReply = async (deps: RouterDeps): Promise<Reply> => {
  if (deps.metricsText === undefined) return NOT_FOUND;
  const { contentType, body } = await deps.metricsText();
  return { kind: 'raw', status: 200, headers: { 'content-type': contentType }, body };
};

const operatorReply = async (deps: RouterDeps, req: RoutedRequest): Promise<Reply | undefined> => {
  const handler = deps.operatorRoutes?.[req.path];
  if (handler === undefined || !Object.hasOwn(deps.operatorRoutes ?? {}, req.path))
    return undefined;
  const { method, path, query, headers, signal } = req;
  const answer = await handler({ method, path, query, headers, signal });
  return {
    kind: 'raw',
    status: answer.status,
    headers: { 'content-type': answer.contentType, 'x-content-type-options': 'nosniff' },
    body: answer.body,
  };
};

/** Routes a request that passed authentication and authorization. */
export const route = async (deps: RouterDeps, req: RoutedRequest): Promise<Reply> => {
  if (req.path === '/') return indexReply(deps);
  const operator = await operatorReply(deps, req);
  if (operator !== undefined) return operator;
  const [head = '', ...rest] = req.path.split('/').slice(1);
  switch (head) {
    case 'apis':
      return apisRoute(deps, req, rest);
    case 'healthz':
    case 'livez':
    case 'readyz':
      return healthRoute(deps, req, head, rest);
    case 'metrics':
      return rest.length === 0 ? metricsReply(deps) : NOT_FOUND;
    case 'openapi':
      return openApiReply(deps.openapi, rest, req.query, req.headers) ?? NOT_FOUND;
    case 'version':
      return rest.length === 0
        ? getOnly(req, () => versionReply(deps.version))
        : status(routeNotFound());
    default:
      return NOT_FOUND;
  }
};
