/**
 * The errors the API layer turns into a metav1.Status. Providers throw these; `toStatus` in
 * api/status.ts is the one place that maps any thrown value to a Status body and code.
 */
export type StatusReason =
  | 'NotFound'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'InternalError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | '';

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly { readonly reason?: string; readonly message: string }[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  constructor(
    code: number,
    reason: StatusReason,
    message: string,
    details?: StatusDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

export const notFound = (message: string, details?: StatusDetails): ApiError =>
  new ApiError(404, 'NotFound', message, details);

export const badRequest = (message: string, options?: ErrorOptions): ApiError =>
  new ApiError(400, 'BadRequest', message, undefined, options);

/** `Internal error occurred: <msg>` with the message as the one cause, as apimachinery's NewInternalError. */
export const internalError = (message: string, options?: ErrorOptions): ApiError =>
  new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
    { causes: [{ message }] },
    options,
  );

/** A 500 with an empty reason (upstream's plain `errors.New` surfaced as Status). */
export const plainInternal = (message: string, options?: ErrorOptions): ApiError =>
  new ApiError(500, '', message, undefined, options);

/** `the server could not find the metric <metric> for <gr>[ <name>]` (custom-metrics-apiserver NewMetricNotFoundError). */
export const metricNotFound = (metric: string, groupResource: string, name?: string): ApiError =>
  notFound(
    name === undefined
      ? `the server could not find the metric ${metric} for ${groupResource}`
      : `the server could not find the metric ${metric} for ${groupResource} ${name}`,
  );
