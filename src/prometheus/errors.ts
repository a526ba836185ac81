/**
 * A failed Prometheus call. `errorType` is Prometheus' own (`bad_data`, `execution`, …),
 * `bad_response` for an unexpected status code or body, or `transport` when no response arrived
 * (connection failure, timeout, abort; see `cause`). `message` is `<errorType>: <detail>` as
 * upstream's client formats it.
 */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  readonly errorType: string;
  readonly detail: string;
  constructor(errorType: string, detail: string, options?: ErrorOptions) {
    super(`${errorType}: ${detail}`, options);
    this.errorType = errorType;
    this.detail = detail;
  }
}

/** The Prometheus client cannot be built from the given options (bad CA file, headers …). */
export class PrometheusConfigError extends Error {
  override readonly name = 'PrometheusConfigError';
}
