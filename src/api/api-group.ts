/**
 * An installed API group as the app sees it: discovery data plus a route matcher per version.
 * custom-metrics.ts and external-metrics.ts build these from their providers; app.ts serves
 * discovery, openapi and requests from the list, so adding a group touches no router code.
 */
import type { HeaderMap } from './http-types.ts';
import type { SchemaDef } from './openapi-schemas.ts';
import type { RequestInfo } from './request-info.ts';

/** One entry of an APIResourceList (metav1.APIResource, wire field order). */
export interface ApiResourceDoc {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
}

export interface RouteContext {
  readonly version: string;
  readonly info: RequestInfo;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  readonly signal: AbortSignal;
  readonly now: () => Date;
}

/** Answers a matched GET with the object to serialize; throws ApiError for failures. */
export type GroupHandler = (ctx: RouteContext) => Promise<unknown>;

/** A query parameter a route documents in OpenAPI. */
export interface RouteParam {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly description: string;
}

/** A route shape for OpenAPI: path under `/apis/<g>/<v>/`, its parameters and list kind. */
export interface RouteDoc {
  readonly path: string;
  readonly operation: string;
  readonly description: string;
  readonly params: readonly RouteParam[];
  /** Definition name (without version prefix) of the 200 response, e.g. `MetricValueList`. */
  readonly responseKind: string;
}

export interface ApiGroup {
  readonly name: string;
  /** Served versions, in discovery order; the first is the preferred version. */
  readonly versions: readonly string[];
  /** OpenAPI definition prefix per version, e.g. `io.k8s.metrics.pkg.apis.custom_metrics.v1beta1`. */
  readonly definitionPrefix: (version: string) => string;
  /** The APIResourceList content for a version; read on every discovery request. */
  resources(version: string): readonly ApiResourceDoc[];
  /** The handler for the path segments after `/apis/<g>/<v>/`, or undefined (404). */
  match(segments: readonly string[]): GroupHandler | undefined;
  readonly routes: readonly RouteDoc[];
  /** OpenAPI definitions this group adds to the shared table (openapi-schemas.ts). */
  readonly definitions?: Readonly<Record<string, SchemaDef>>;
}
