/**
 * A failed call to the Kubernetes API. `status` is the HTTP status (0 when no response arrived:
 * connection failure, timeout, abort); `reason` and `message` come from the metav1.Status body
 * when the server sent one (`reason` is '' otherwise).
 */
export class KubernetesError extends Error {
  override readonly name = 'KubernetesError';
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.reason = reason;
  }
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null;

/** Builds the error for a non-2xx response from its status code and raw body text. */
export const kubernetesErrorFromResponse = (
  status: number,
  body: string,
  what: string,
): KubernetesError => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && parsed['kind'] === 'Status') {
    const reason = typeof parsed['reason'] === 'string' ? parsed['reason'] : '';
    const message = typeof parsed['message'] === 'string' ? parsed['message'] : `status ${status}`;
    return new KubernetesError(status, reason, message);
  }
  const snippet = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return new KubernetesError(status, '', `${what}: unexpected status ${status}: ${snippet}`);
};

/** True for errors client-go's discovery treats as "group not served" (404 and 403). */
export const isNotFoundOrForbidden = (err: unknown): boolean =>
  err instanceof KubernetesError && (err.status === 404 || err.status === 403);
