/**
 * A watch-based cache of one Kubernetes collection, as client-go's reflector + store: list (paged),
 * then watch from the list's resourceVersion, applying events as they come. A `410 Gone` (the
 * resourceVersion is too old) relists at once; any other failure retries with exponential backoff.
 * Readers see immutable snapshots; the request path never calls the API server.
 */
import type { InformerOptions } from './informer-options.ts';
import { listAll, watchOnce } from './informer-list-watch.ts';
import { KubernetesError } from './kubernetes-error.ts';
import { createStore } from './informer-store.ts';

export interface Informer<T> {
  /** Lists and watches until `signal` aborts; never rejects. */
  run(signal: AbortSignal): Promise<void>;
  /** Resolves once the first full list is in the cache. */
  synced(): Promise<void>;
  hasSynced(): boolean;
  /** The current items as a frozen array; the same array until the cache changes. */
  items(): readonly T[];
  get(key: string): T | undefined;
}

const isGone = (err: unknown): boolean => err instanceof KubernetesError && err.status === 410;

/** Resolves after `ms`, when `signal` aborts, or when `until` settles, whichever comes first. */
export const sleep = (ms: number, signal: AbortSignal, until?: Promise<unknown>): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    void until?.then(done, done);
  });

/** Creates an informer; nothing happens until `run`. */
export const createInformer = <T>(options: InformerOptions<T>): Informer<T> => {
  const store = createStore(options.keyOf);
  let markSynced: () => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  let synced = false;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const timeout = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));

  const list = async (signal: AbortSignal): Promise<string> => {
    const { items, resourceVersion } = await listAll(options, signal);
    store.replace(items);
    if (!synced) {
      synced = true;
      markSynced();
    }
    return resourceVersion;
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    /** undefined: the cache must be (re)listed before the next watch. */
    let resourceVersion: string | undefined;
    let failures = 0;
    const log = options.logger.child({ informer: options.path });
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await list(signal);
          log.info('listed', { items: store.items().length, resourceVersion }, 4);
        }
        const began = performance.now();
        const outcome = await watchOnce(options, store, {
          from: resourceVersion,
          timeoutSeconds: timeout(),
          signal,
        });
        resourceVersion = outcome.gone ? undefined : outcome.resourceVersion;
        if (outcome.gone) log.info('watch expired (410 Gone); relisting', {}, 2);
        if (outcome.failure !== undefined) {
          log.error('watch failed; retrying', { err: outcome.failure, failures: failures + 1 });
        }
        const productive = outcome.events > 0 || performance.now() - began > 1000;
        failures = productive && outcome.failure === undefined ? 0 : failures + 1;
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          resourceVersion = undefined;
          log.info('resourceVersion expired (410 Gone); relisting', {}, 2);
          continue;
        }
        failures += 1;
        log.error('list/watch failed; retrying', { err, failures });
      }
      if (failures > 0) {
        await sleep(Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1)), signal);
      }
    }
  };

  return {
    run,
    synced: () => syncedPromise,
    hasSynced: () => synced,
    items: () => store.items(),
    get: (key) => store.get(key),
  };
};
