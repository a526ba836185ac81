/**
 * The socket-free request and response shapes exchanged between `api/serve.ts` (the TLS edge)
 * and `api/app.ts` (routing, authorization, rendering), as hono's `app.request` does.
 */

/** Header values as Node delivers them; keys are lowercase. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** An authenticated caller (Kubernetes user.Info). */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Credentials were presented but did not verify: the request is answered with 401. */
export interface RejectedIdentity {
  readonly rejected: true;
  /** For logs only; never sent to the client. */
  readonly reason?: string;
}

/** What the serving layer's authentication decided; absent when authentication is not wired. */
export type Identity = UserInfo | RejectedIdentity;

export interface ApiRequest {
  readonly method: string;
  /** The raw request target: path plus query string, still percent-encoded. */
  readonly path: string;
  readonly headers: HeaderMap;
  readonly identity?: Identity;
  /** Aborted when the request times out or the client goes away. */
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** The first value of a header, or undefined. */
export const headerValue = (headers: HeaderMap, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
};

/** Narrows an identity to the authenticated user, if any. */
export const userOf = (identity: Identity | undefined): UserInfo | undefined =>
  identity === undefined || 'rejected' in identity ? undefined : identity;
