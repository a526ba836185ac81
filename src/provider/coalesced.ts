/**
 * Query coalescing across HPAs (`--coalesce-window`, default 1s): the HPA controller asks for the
 * same metric of the same objects once per HPA per sync, often at once. Identical PromQL evaluated
 * in the same window against the same backend and namespace is run once (evaluation time
 * truncated to the window, so the answer is exact for every caller), and identical object
 * listings are shared for the window. The shared query is aborted once every caller waiting on
 * it has aborted (see coalesce.ts); otherwise the clients' own timeouts bound it. A window of 0
 * turns coalescing off.
 */
import { createCoalescer } from './coalesce.ts';
import type { KubeClient } from '../kubernetes/client.ts';
import { listObjectNames } from '../kubernetes/objects.ts';
import type { ResourceInfo } from '../kubernetes/types.ts';
import type { PrometheusClient, QueryResult } from '../prometheus/types.ts';

const MAX_ENTRIES = 4096;

export const coalescedQueries = (
  client: Pick<PrometheusClient, 'query'>,
  windowMs: number,
  onLookup: (shared: boolean) => void,
): Pick<PrometheusClient, 'query'> => {
  if (windowMs <= 0) return client;
  const coalescer = createCoalescer<QueryResult>({
    ttlMs: windowMs,
    maxEntries: MAX_ENTRIES,
    now: Date.now,
    onLookup,
  });
  return {
    // The route (backend, namespace) is part of the key: a namespace's tenant header is never
    // shared with another namespace's request.
    query: (promql, time, signal, route) => {
      const at = Math.floor((time * 1000) / windowMs) * (windowMs / 1000);
      const key = `${route?.backend ?? ''}\u0000${route?.namespace ?? ''}\u0000${at}\u0000${promql}`;
      return coalescer.get(key, (shared) => client.query(promql, at, shared, route), signal);
    },
  };
};

export const coalescedListing = (
  client: Pick<KubeClient, 'getJson'>,
  windowMs: number,
  onLookup: (shared: boolean) => void,
): ((info: ResourceInfo, namespace: string, selector: string) => Promise<readonly string[]>) => {
  if (windowMs <= 0)
    return (info, namespace, selector) => listObjectNames(client, info, namespace, selector);
  const coalescer = createCoalescer<readonly string[]>({
    ttlMs: windowMs,
    maxEntries: MAX_ENTRIES,
    now: Date.now,
    onLookup,
  });
  return (info, namespace, selector) =>
    coalescer.get(`${info.group}/${info.resource}\u0000${namespace}\u0000${selector}`, () =>
      listObjectNames(client, info, namespace, selector),
    );
};
