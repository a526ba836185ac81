/**
 * What failover last reported of each config backend's URL (start/failover-client.ts `onHealth`),
 * read by the status page beside `prometheus_adapter_backend_up`. One per running adapter.
 */
export interface UrlHealth {
  readonly record: (backend: string, url: string, up: boolean) => void;
  /** Up, down, or undefined while the URL has not been asked. */
  readonly up: (backend: string, url: string) => boolean | undefined;
}

export const createUrlHealth = (): UrlHealth => {
  const last = new Map<string, boolean>();
  const key = (backend: string, url: string): string => `${backend}\u0000${url}`;
  return {
    record: (backend, url, up) => {
      last.set(key(backend, url), up);
    },
    up: (backend, url) => last.get(key(backend, url)),
  };
};
