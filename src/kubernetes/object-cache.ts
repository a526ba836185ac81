/**
 * Object names for custom metrics `*` requests from metadata-only watch caches (`--object-cache`),
 * one per resource across all namespaces, started lazily on the first request for that resource:
 * never a LIST per request. The cache is an informer (informer.ts: paged LIST, then WATCH; 410 Gone
 * relists, other failures retry with backoff). Requests in the first `syncTimeoutMs` after a cache
 * started wait for its first full list; until it has synced (e.g. the adapter may list but not
 * watch the resource) requests use `fallback` (a direct LIST) at once, so an answer is never built
 * from a half-filled cache and a cache that cannot sync costs no request more than that wait.
 */
import type { KubeClient } from './client.ts';
import { createInformer, sleep, type Informer } from './informer.ts';
import { labelsMatch } from './label-match.ts';
import { parseLabelSelector } from './label-selector.ts';
import { collectionPath } from './objects.ts';
import type { ResourceInfo } from './types.ts';
import type { Logger } from '../log.ts';

interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_WATCH_ACCEPT =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

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
  /** How long after a cache started requests wait for it to sync. */
  readonly syncTimeoutMs: number;
  /** Lists directly while a cache has not synced. */
  readonly fallback: ObjectNameLister;
  /** Called once per direct LIST made because a cache had not synced (for self-metrics). */
  readonly onFallback?: (resource: string) => void;
  readonly now: () => number;
}

export type ObjectNameLister = (
  info: ResourceInfo,
  namespace: string,
  selector: string,
  signal: AbortSignal,
) => Promise<readonly string[]>;

/** A lister answering from per-resource caches; `stopped` settles when every cache has stopped. */
export const createObjectCache = (
  options: ObjectCacheOptions,
): { readonly list: ObjectNameLister; readonly stopped: () => Promise<void> } => {
  const caches = new Map<string, { informer: Informer<ObjectMeta>; startedMs: number }>();
  const runs: Promise<void>[] = [];
  // Per cache snapshot (items() is the same array until the cache changes) and request: the same
  // names array again, as the coalesced listing gives, so what a provider derives from it is
  // shared (provider/identity-memo.ts) and the scan is done once per snapshot.
  const answers = new WeakMap<readonly ObjectMeta[], Map<string, readonly string[]>>();
  const namesFor = (
    items: readonly ObjectMeta[],
    namespace: string,
    selector: string,
  ): readonly string[] => {
    let bySelector = answers.get(items);
    if (bySelector === undefined) {
      bySelector = new Map();
      answers.set(items, bySelector);
    }
    const key = `${namespace}\u0000${selector}`;
    const hit = bySelector.get(key);
    if (hit !== undefined) return hit;
    const parsed = parseLabelSelector(selector);
    const names = items
      .filter(
        (o) => (namespace === '' || o.namespace === namespace) && labelsMatch(parsed, o.labels),
      )
      .sort(apiOrder)
      .map((o) => o.name);
    bySelector.set(key, names);
    return names;
  };
  const cacheFor = (info: ResourceInfo) => {
    const key = collectionPath(info, '');
    let cache = caches.get(key);
    if (cache === undefined) {
      const informer = createInformer({
        client: options.client,
        path: key,
        convert: objectMetaFrom,
        keyOf: (o) => `${o.namespace}/${o.name}`,
        listAccept: METADATA_ACCEPT,
        watchAccept: METADATA_WATCH_ACCEPT,
        logger: options.logger,
      });
      cache = { informer, startedMs: options.now() };
      caches.set(key, cache);
      runs.push(informer.run(options.signal));
      options.logger.info('object cache started', { resource: key }, 2);
    }
    return cache;
  };
  const list: ObjectNameLister = async (info, namespace, selector, signal) => {
    const { informer, startedMs } = cacheFor(info);
    const waitMs = startedMs + options.syncTimeoutMs - options.now();
    if (!informer.hasSynced() && waitMs > 0) await sleep(waitMs, signal, informer.synced());
    if (!informer.hasSynced()) {
      options.onFallback?.(info.resource);
      return options.fallback(info, namespace, selector, signal);
    }
    return namesFor(informer.items(), namespace, selector);
  };
  return {
    list,
    stopped: async () => {
      await Promise.allSettled(runs);
    },
  };
};
