/**
 * metav1.Status bodies. `toStatus` is the one place a thrown value becomes a Status; the other
 * helpers build the Statuses the generic apiserver filters write (401, 403, 404, 405, 406, 429,
 * 504) with upstream's exact wording.
 */
import type { Logger } from '../log.ts';
import { ApiError, internalError, type StatusDetails } from './errors.ts';
import type { RequestAttributes } from './request-info.ts';

/** A metav1.Status, fields in wire order; `reason` and `details` omitted when empty. */
export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

export interface StatusResult {
  readonly code: number;
  readonly body: StatusBody;
}

/** Builds a failure Status; `reason` may be any metav1.StatusReason (e.g. `NotAcceptable`). */
export const failureStatus = (
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): StatusResult => ({
  code,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason === '' ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  },
});

const GENERIC_INTERNAL = internalError('unexpected server error');

/**
 * Maps any thrown value to a Status: an ApiError keeps its code, reason, message and details;
 * anything else becomes a generic 500 InternalError whose text never reaches the client. Causes
 * of 5xx answers are logged.
 */
export const toStatus = (err: unknown, logger?: Logger): StatusResult => {
  const known = err instanceof ApiError ? err : undefined;
  if (known === undefined || (known.code >= 500 && known.cause !== undefined)) {
    logger?.error('request failed', { err, cause: known?.cause ?? err });
  }
  const e = known ?? GENERIC_INTERNAL;
  return failureStatus(e.code, e.reason, e.message, e.details);
};

/** 401 from a failed authentication (`responsewriters.Unauthorized`). */
export const unauthorized = (): StatusResult => failureStatus(401, 'Unauthorized', 'Unauthorized');

const forbiddenReason = (attrs: RequestAttributes, user: string): string => {
  if (!attrs.isResourceRequest) {
    return `User ${JSON.stringify(user)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  }
  const res = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const what = `User ${JSON.stringify(user)} cannot ${attrs.verb} resource ${JSON.stringify(res)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace === ''
    ? `${what} at the cluster scope`
    : `${what} in the namespace ${JSON.stringify(attrs.namespace)}`;
};

/**
 * 403 as `responsewriters.Forbidden` words it, e.g. `pods.custom.metrics.k8s.io "*" is
 * forbidden: User "u" cannot get resource "pods/m" in API group "custom.metrics.k8s.io" in the
 * namespace "ns"`; the authorizer's reason, when given, is appended after `: `.
 */
export const forbidden = (attrs: RequestAttributes, user: string, reason = ''): StatusResult => {
  const err =
    reason === '' ? forbiddenReason(attrs, user) : `${forbiddenReason(attrs, user)}: ${reason}`;
  const gr = attrs.apiGroup === '' ? attrs.resource : `${attrs.resource}.${attrs.apiGroup}`;
  let message = `${gr} is forbidden: ${err}`;
  if (attrs.apiGroup === '' && attrs.resource === '') message = `forbidden: ${err}`;
  else if (attrs.name !== '') message = `${gr} ${JSON.stringify(attrs.name)} is forbidden: ${err}`;
  const details: StatusDetails = {
    ...(attrs.name === '' ? {} : { name: attrs.name }),
    ...(attrs.apiGroup === '' ? {} : { group: attrs.apiGroup }),
    ...(attrs.resource === '' ? {} : { kind: attrs.resource }),
  };
  return failureStatus(403, 'Forbidden', message, details);
};

/** 404 for an unknown path inside a registered API prefix (go-restful's service error). */
export const routeNotFound = (): StatusResult =>
  failureStatus(404, 'NotFound', 'the server could not find the requested resource', {});

/** 405 for a known route asked with another method than GET. */
export const methodNotAllowed = (): StatusResult =>
  failureStatus(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {
      causes: [{ reason: 'UnexpectedServerResponse', message: '405: Method Not Allowed' }],
    },
  );

/** 405 for an unsupported action such as `watch` (apierrors.NewMethodNotSupported). */
export const methodNotSupported = (group: string, resource: string, action: string): StatusResult =>
  failureStatus(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind ${JSON.stringify(`${resource}.${group}`)}`,
    {
      group,
      kind: resource,
    },
  );

/** 406 when the Accept header admits none of the media types we produce. */
export const notAcceptable = (accepted: readonly string[]): StatusResult =>
  failureStatus(
    406,
    'NotAcceptable',
    `only the following media types are accepted: ${accepted.join(', ')}`,
  );

/** 504 from the request timeout filter. */
export const timedOut = (): StatusResult =>
  failureStatus(
    504,
    'Timeout',
    'Timeout: request did not complete within requested timeout - context deadline exceeded',
    {},
  );

/** 429 from the max-in-flight limiter (sent with `Retry-After: 1`). */
export const tooManyRequests = (): StatusResult =>
  failureStatus(429, 'TooManyRequests', 'Too many requests, please try again later.');

/** 413 for a request body over the limit. */
export const entityTooLarge = (limitBytes: number): StatusResult =>
  failureStatus(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
