/**
 * Object names for custom metrics `*` requests from metadata-only watch caches, one per resource
 * across all namespaces, started lazily on the first request for that resource (never a LIST per
 * request). The first request for a resource waits for the cache's first full list, at most
 * `syncTimeoutMs`; until a cache has synced (e.g. the adapter may list but not watch it) requests
 * fall back to a direct LIST, so an answer is never built from a half-filled cache.
 */
import type { KubeClient } from './client.ts';
import { createInformer, type Informer } from './informer.ts';
import { labelsMatch } from './label-match.ts';
import { parseLabelSelector } from './label-selector.ts';
import { collectionPath, listObjectNames } from './objects.ts';
import type { ResourceInfo } from './types.ts';
import type { Logger } from '../log.ts';

interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

const objectMetaFrom = (object: unknown): ObjectMeta | undefined => {
  const meta = (object as { metadata?: Record<string, unknown> } | null)?.metadata;
  const name = meta?.['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const ns = meta?.['namespace'];
  const raw = meta?.['labels'];
  const labels: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
  }
  return { name, namespace: typeof ns === 'string' ? ns : '', labels };
};

/** The API's list order: by namespace, then name (the storage key order). */
const apiOrder = (a: ObjectMeta, b: ObjectMeta): number =>
  a.namespace === b.namespace
    ? a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : 0
    : a.namespace < b.namespace
      ? -1
      : 1;

export interface ObjectCacheOptions {
  readonly client: Pick<KubeClient, 'getJson' | 'watch'>;
  readonly logger: Logger;
  /** Stops every cache started. */
  readonly signal: AbortSignal;
  /** How long the first request for a resource waits for its cache to sync. */
  readonly syncTimeoutMs: number;
  /** Called once per direct LIST made because a cache had not synced (for self-metrics). */
  readonly onFallback?: (resource: string) => void;
}

export type ObjectNameLister = (
  info: ResourceInfo,
  namespace: string,
  selector: string,
  signal: AbortSignal,
) => Promise<readonly string[]>;

const waitBounded = (p: Promise<void>, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    void p.then(done);
  });

/** A lister answering from per-resource caches; `stopped` settles when every cache has stopped. */
export const createObjectCache = (
  options: ObjectCacheOptions,
): { readonly list: ObjectNameLister; readonly stopped: () => Promise<void> } => {
  const caches = new Map<string, Informer<ObjectMeta>>();
  const runs: Promise<void>[] = [];
  const cacheFor = (info: ResourceInfo): Informer<ObjectMeta> => {
    const key = collectionPath(info, '');
    let informer = caches.get(key);
    if (informer === undefined) {
      informer = createInformer({
        client: options.client,
        path: key,
        convert: objectMetaFrom,
        keyOf: (o) => `${o.namespace}/${o.name}`,
        listAccept: METADATA_ACCEPT,
        logger: options.logger,
      });
      caches.set(key, informer);
      runs.push(informer.run(options.signal));
      options.logger.info('object cache started', { resource: key }, 2);
    }
    return informer;
  };
  const list: ObjectNameLister = async (info, namespace, selector, signal) => {
    const cache = cacheFor(info);
    if (!cache.hasSynced()) await waitBounded(cache.synced(), options.syncTimeoutMs, signal);
    if (!cache.hasSynced()) {
      options.onFallback?.(info.resource);
      return listObjectNames(options.client, info, namespace, selector, signal);
    }
    const parsed = parseLabelSelector(selector);
    return cache
      .items()
      .filter(
        (o) => (namespace === '' || o.namespace === namespace) && labelsMatch(parsed, o.labels),
      )
      .sort(apiOrder)
      .map((o) => o.name);
  };
  return {
    list,
    stopped: async () => {
      await Promise.allSettled(runs);
    },
  };
};
