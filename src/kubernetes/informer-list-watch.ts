/**
 * The two API calls behind an informer: a paged list (the snapshot plus its resourceVersion) and
 * one watch from a resourceVersion, applying its events to the store until the stream ends.
 */
import type { WatchEvent } from './client.ts';
import type { InformerStore } from './informer-store.ts';
import type { InformerOptions } from './informer-options.ts';
import { KubernetesError } from './kubernetes-error.ts';

/** What one watch ended with: the last resourceVersion seen, and how it ended. */
export interface WatchOutcome {
  readonly resourceVersion: string;
  /** The server sent 410 Gone: the resourceVersion expired, relist. */
  readonly gone: boolean;
  /** The server sent another ERROR event. */
  readonly failure: KubernetesError | undefined;
  readonly events: number;
}

const resourceVersionOf = (object: unknown): string | undefined => {
  const meta = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  const rv = typeof meta === 'object' && meta !== null ? meta.resourceVersion : undefined;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
};

/** An ERROR event's Status as a KubernetesError (410 for an expired resourceVersion). */
const watchError = (object: unknown): KubernetesError => {
  const s = (object ?? {}) as { code?: unknown; reason?: unknown; message?: unknown };
  return new KubernetesError(
    typeof s.code === 'number' ? s.code : 0,
    typeof s.reason === 'string' ? s.reason : '',
    typeof s.message === 'string' ? s.message : 'watch error',
  );
};

interface Page<T> {
  readonly items: readonly T[];
  readonly continueToken: string;
  readonly resourceVersion: string;
}

const toPage = <T>(options: InformerOptions<T>, doc: unknown): Page<T> => {
  const { items, metadata } = (doc ?? {}) as { items?: unknown; metadata?: unknown };
  // An empty list comes as `"items": null` from the real kube-apiserver (metadata-only lists).
  if (items !== null && !Array.isArray(items))
    throw new KubernetesError(0, '', `${options.path}: list without items`);
  const meta = (metadata ?? {}) as { continue?: unknown; resourceVersion?: unknown };
  return {
    items: (items ?? []).flatMap((object: unknown) => options.convert(object) ?? []),
    continueToken: typeof meta.continue === 'string' ? meta.continue : '',
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '',
  };
};

/** Lists every page (`limit`/`continue`); returns the items and the last page's resourceVersion. */
export const listAll = async <T>(
  options: InformerOptions<T>,
  signal: AbortSignal,
): Promise<{ readonly items: T[]; readonly resourceVersion: string }> => {
  const items: T[] = [];
  let page: Page<T> | undefined;
  do {
    const query: Record<string, string> = {
      ...options.query,
      limit: String(options.pageSize ?? 500),
    };
    if (page !== undefined) query['continue'] = page.continueToken;
    const doc = await options.client.getJson(options.path, {
      query,
      signal,
      ...(options.listAccept === undefined ? {} : { accept: options.listAccept }),
    });
    page = toPage(options, doc);
    items.push(...page.items);
  } while (page.continueToken !== '');
  return { items, resourceVersion: page.resourceVersion };
};

/**
 * Watches from `from`, applying ADDED/MODIFIED/DELETED to the store and following BOOKMARKs,
 * until the server ends the stream or sends an ERROR (reported as `gone` for code 410, else as
 * `failure`). Transport failures and non-2xx answers to the watch request throw KubernetesError.
 */
export const watchOnce = async <T>(
  options: InformerOptions<T>,
  store: InformerStore<T>,
  at: { readonly from: string; readonly timeoutSeconds: number; readonly signal: AbortSignal },
): Promise<WatchOutcome> => {
  const inner = new AbortController();
  let resourceVersion = at.from;
  let gone = false;
  let failure: KubernetesError | undefined;
  let events = 0;
  const onEvent = (event: WatchEvent): void => {
    if (inner.signal.aborted) return;
    events += 1;
    if (event.type === 'ERROR') {
      const err = watchError(event.object);
      if (err.status === 410) gone = true;
      else failure = err;
      inner.abort();
      return;
    }
    resourceVersion = resourceVersionOf(event.object) ?? resourceVersion;
    const item = event.type === 'BOOKMARK' ? undefined : options.convert(event.object);
    if (item === undefined) return;
    if (event.type === 'DELETED') store.remove(item);
    else store.put(item);
  };
  const query = {
    ...options.query,
    resourceVersion: at.from,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(at.timeoutSeconds),
  };
  await options.client.watch(
    options.path,
    query,
    onEvent,
    AbortSignal.any([at.signal, inner.signal]),
    options.watchAccept,
  );
  return { resourceVersion, gone, failure, events };
};
