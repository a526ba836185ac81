/**
 * Query batching across HPAs (`--batch-window`, default 3s): the HPA controller asks each HPA's
 * metric for its own objects (`pods?labelSelector=app=<deployment>`), one request per HPA per 15 s.
 * Requests of one rule, metric, resource, namespace and metric selector (the batch key) whose
 * PromQL differs only in the objects are answered from one query over the union of the objects
 * recently asked for under that key, evaluated at the start of the window, and split back by the
 * object label. query/batchable.ts proves per query that this gives each request exactly the
 * samples its own query gives at that time; anything else runs its own query (`fallback`), as
 * does a request for objects the window's batch does not cover and every request of a failed batch.
 * Object sets are never split across batches; a batch's regex is capped at `maxRegexBytes`, more
 * objects make more batches.
 */
import { objectShape, selectsExactly } from '../query/batchable.ts';
import { escapeRegexValue } from '../query/matchers.ts';
import type { QueryResult } from '../prometheus/types.ts';

export type BatchOutcome = 'batched' | 'joined' | 'fallback';

export interface BatchRequest {
  /** Everything but the objects that shapes the query: rule, series, resource, namespace, selector. */
  readonly key: string;
  readonly label: string;
  readonly names: readonly string[];
  readonly build: (names: readonly string[]) => string;
  readonly nowMs: number;
}

export interface BatcherOptions {
  readonly windowMs: number;
  /** Runs one query at `nowMs`; the batch's shared run gets a signal no caller can abort. */
  readonly run: (query: string, nowMs: number, signal: AbortSignal) => Promise<QueryResult>;
  /** Object sets asked for within this long join the next window's batch (default 60 s). */
  readonly rememberMs?: number;
  /** Cap on the object regex of one batch (default 256 KiB). */
  readonly maxRegexBytes?: number;
  readonly onOutcome?: (outcome: BatchOutcome) => void;
}

interface Chunk {
  readonly names: readonly string[];
  promise: Promise<{ skeleton: string; result: QueryResult } | undefined> | undefined;
}

interface KeyState {
  /** Object sets by their joined names, with when last asked for. */
  readonly groups: Map<string, { names: readonly string[]; seenMs: number }>;
  window: { index: number; chunks: Chunk[]; chunkOf: Map<string, Chunk> } | undefined;
}

const MAX_KEYS = 4096;
const NEVER = new AbortController().signal;

const regexBytes = (names: readonly string[]): number =>
  names.reduce((n, name) => n + escapeRegexValue(name).length + 1, 0);

/** Packs the remembered object sets into chunks under the cap, never splitting a set. */
const pack = (state: KeyState, fromMs: number, cap: number): Chunk[] => {
  const chunks: Chunk[] = [];
  let names = new Set<string>();
  let bytes = 0;
  for (const [k, g] of state.groups) {
    if (g.seenMs < fromMs) {
      state.groups.delete(k);
      continue;
    }
    let size = regexBytes(g.names.filter((n) => !names.has(n)));
    if (bytes > 0 && bytes + size > cap) {
      chunks.push({ names: [...names], promise: undefined });
      names = new Set();
      size = regexBytes(g.names);
      bytes = 0;
    }
    for (const n of g.names) names.add(n);
    bytes += size;
  }
  if (names.size > 0) chunks.push({ names: [...names], promise: undefined });
  return chunks;
};

const only = (result: QueryResult, label: string, names: readonly string[]): QueryResult => {
  if (result.type !== 'vector') return result;
  const wanted = new Set(names);
  return { ...result, samples: result.samples.filter((s) => wanted.has(s.labels[label] ?? '')) };
};

export interface QueryBatcher {
  /** The request's samples (the request's own query's, at the window's start when batched). */
  run(request: BatchRequest, signal: AbortSignal): Promise<QueryResult>;
}

export const createQueryBatcher = (options: BatcherOptions): QueryBatcher => {
  const states = new Map<string, KeyState>();
  const remember = options.rememberMs ?? 60_000;
  const cap = options.maxRegexBytes ?? 256 * 1024;

  const stateFor = (key: string): KeyState => {
    let state = states.get(key);
    if (state === undefined) {
      if (states.size >= MAX_KEYS) states.delete(states.keys().next().value ?? '');
      state = { groups: new Map(), window: undefined };
      states.set(key, state);
    }
    return state;
  };

  const chunkFor = (state: KeyState, request: BatchRequest, index: number): Chunk | undefined => {
    const groupKey = request.names.join('\u0000');
    state.groups.delete(groupKey); // re-inserted last: the most recently asked come last
    state.groups.set(groupKey, { names: request.names, seenMs: request.nowMs });
    if (state.window?.index !== index) {
      const chunks = pack(state, request.nowMs - remember, cap);
      const chunkOf = new Map<string, Chunk>();
      for (const c of chunks) for (const n of c.names) chunkOf.set(n, c);
      state.window = { index, chunks, chunkOf };
    }
    const chunk = state.window.chunkOf.get(request.names[0] ?? '');
    return chunk && request.names.every((n) => state.window?.chunkOf.get(n) === chunk)
      ? chunk
      : undefined;
  };

  const runChunk = (chunk: Chunk, request: BatchRequest, atMs: number) => {
    chunk.promise ??= (async () => {
      const query = request.build(chunk.names);
      const shape = objectShape(query, request.label);
      if (shape === undefined || !selectsExactly(shape, chunk.names)) return undefined;
      options.onOutcome?.('batched');
      return { skeleton: shape.skeleton, result: await options.run(query, atMs, NEVER) };
    })().catch(() => undefined);
    return chunk.promise;
  };

  return {
    run: async (request, signal) => {
      const query = request.build(request.names);
      if (options.windowMs <= 0) return options.run(query, request.nowMs, signal);
      const own = (): Promise<QueryResult> => {
        options.onOutcome?.('fallback');
        return options.run(query, request.nowMs, signal);
      };
      const shape = objectShape(query, request.label);
      if (shape === undefined || !selectsExactly(shape, request.names)) return own();
      const index = Math.floor(request.nowMs / options.windowMs);
      const chunk = chunkFor(stateFor(request.key), request, index);
      const batch = chunk && (await runChunk(chunk, request, index * options.windowMs));
      if (batch === undefined || batch.skeleton !== shape.skeleton) return own();
      options.onOutcome?.('joined');
      return only(batch.result, request.label, request.names);
    },
  };
};
