/**
 * Kubernetes RequestInfo (k8s.io/apiserver endpoints/request/requestinfo.go): what a URL means
 * for authorization. Pure; computed once per request before routing.
 */
import { parseFieldSelector } from '../kubernetes/field-selector.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import { queryBool } from './go-query.ts';

/** The attributes an authorizer sees (a SubjectAccessReview's resource or non-resource part). */
export interface RequestAttributes {
  readonly isResourceRequest: boolean;
  /** Decoded URL path. */
  readonly path: string;
  /** `get`, `list`, `watch` … for resource requests; the lowercase HTTP method otherwise. */
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

export interface RequestInfo extends RequestAttributes {
  /** Path segments from the resource on (`[resource, name, subresource, …]`). */
  readonly parts: readonly string[];
}

/** The URL names a special verb without a resource (`/apis/g/v/watch`); upstream answers 500. */
export class RequestInfoError extends Error {
  override readonly name = 'RequestInfoError';
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const METHOD_VERBS: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

const splitPath = (path: string): string[] => {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
};

const nonResource = (method: string, path: string): RequestInfo => ({
  isResourceRequest: false,
  path,
  verb: method.toLowerCase(),
  apiGroup: '',
  apiVersion: '',
  namespace: '',
  resource: '',
  subresource: '',
  name: '',
  parts: [],
});

/** `[resource, name, subresource]` from the parts, as the upstream switch with fallthrough. */
const resourceFields = (parts: readonly string[], verb: string) => ({
  resource: parts[0] ?? '',
  name: parts[1] ?? '',
  subresource: parts.length >= 3 && verb !== 'proxy' ? (parts[2] ?? '') : '',
});

/** True when the ListOptions in the query decode (labelSelector and fieldSelector parse). */
const listOptionsParse = (query: URLSearchParams): boolean => {
  try {
    parseLabelSelector(query.get('labelSelector') ?? '');
    parseFieldSelector(query.get('fieldSelector') ?? '');
    return true;
  } catch {
    return false;
  }
};

const validPathSegmentName = (name: string): boolean =>
  name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');

/** The name a list request selects with `fieldSelector=metadata.name=<x>`, if any. */
const fieldSelectedName = (query: URLSearchParams): string => {
  const term = parseFieldSelector(query.get('fieldSelector') ?? '').find(
    (t) => t.field === 'metadata.name' && t.operator === '=',
  );
  return term !== undefined && validPathSegmentName(term.value) ? term.value : '';
};

/** A nameless `get` is a `list` (or `watch`); a field-selected name becomes the name. */
const refineListVerb = (info: RequestInfo, query: URLSearchParams): RequestInfo => {
  if (info.name === '' && info.verb === 'delete') return { ...info, verb: 'deletecollection' };
  if (info.name !== '' || info.verb !== 'get') return info;
  const verb = queryBool(query, 'watch') ? 'watch' : 'list';
  if (!listOptionsParse(query)) return { ...info, verb };
  return { ...info, verb, name: fieldSelectedName(query) };
};

/**
 * Parses a request the way the apiserver's RequestInfoFactory does: `/api` and `/apis` paths
 * with at least group (for `/apis`), version and one more segment are resource requests;
 * everything else is a non-resource request. Throws RequestInfoError for `/apis/g/v/watch`.
 */
export const parseRequestInfo = (
  method: string,
  path: string,
  query: URLSearchParams,
): RequestInfo => {
  let parts = splitPath(path);
  const prefix = parts[0];
  const grouped = prefix === 'apis';
  if (parts.length < 3 || (prefix !== 'api' && !grouped) || (grouped && parts.length < 4)) {
    return nonResource(method, path);
  }
  const apiGroup = grouped ? (parts[1] ?? '') : '';
  parts = parts.slice(grouped ? 2 : 1);
  const apiVersion = parts[0] ?? '';
  parts = parts.slice(1);
  let verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  if (SPECIAL_VERBS.has(parts[0] ?? '')) {
    if (parts.length < 2) {
      throw new RequestInfoError(`unable to determine kind and namespace from url, ${path}`);
    }
    verb = parts[0] ?? '';
    parts = parts.slice(1);
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  const info: RequestInfo = {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    ...resourceFields(parts, verb),
    parts,
  };
  return refineListVerb(info, query);
};

/** The authorizer's view of a RequestInfo (drops `parts`). */
export const toAttributes = (info: RequestInfo): RequestAttributes => ({
  isResourceRequest: info.isResourceRequest,
  path: info.path,
  verb: info.verb,
  apiGroup: info.apiGroup,
  apiVersion: info.apiVersion,
  namespace: info.namespace,
  resource: info.resource,
  subresource: info.subresource,
  name: info.name,
});
