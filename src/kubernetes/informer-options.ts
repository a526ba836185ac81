/** What one informer watches and how it keeps objects (see informer.ts). */
import type { KubeClient } from './client.ts';
import type { Logger } from '../log.ts';

export interface InformerOptions<T> {
  readonly client: Pick<KubeClient, 'getJson' | 'watch'>;
  /** Collection path, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** Extra list/watch parameters, e.g. `{fieldSelector: 'status.phase=Running'}`. */
  readonly query?: Readonly<Record<string, string>>;
  /** Keeps what the cache needs from one object; undefined skips the object. */
  readonly convert: (object: unknown) => T | undefined;
  readonly keyOf: (item: T) => string;
  readonly logger: Logger;
  /** Accept header for list calls (e.g. PartialObjectMetadataList with a JSON fallback). */
  readonly listAccept?: string;
  /** Accept header for watch calls (e.g. PartialObjectMetadata with a JSON fallback). */
  readonly watchAccept?: string;
  readonly pageSize?: number;
  /** Retry delays after failures: doubles from `initialMs` up to `maxMs` (default 500 ms…30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Server-side watch timeout; default a random 300–600 s, as client-go. */
  readonly watchTimeoutSeconds?: () => number;
}
