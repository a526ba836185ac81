/**
 * Query batching across HPAs (`--batch-window`, default 3s): the HPA controller asks each HPA's
 * metric for its own objects (`pods?labelSelector=app=<deployment>`), one request per HPA per 15 s,
 * spread over the period. Requests of one batch key (backend, rule, series, resource, namespace,
 * metric selector) whose PromQL differs only in the objects are answered from one query over the
 * union of the object sets asked for under that key in the last `rememberMs`, evaluated once per
 * window at the window's start, and split back by the object label. query/batchable.ts proves on
 * the parsed PromQL that this gives each request exactly the samples its own query gives at that
 * time. Anything else runs its own query, with the reason: `not_separable` (the query does not
 * provably group by the object label), `not_covered` (objects the window's batch does not hold:
 * the first sync, a new pod) or `batch_failed`. When the union's regex would exceed
 * `maxRegexBytes` (URLs of GET queries stay short), the batch asks for every object instead
 * (the object matchers become `label!=""`; query/batchable.ts `everyObject`): one query still,
 * and it covers any object asked for in the window.
 */
import { everyObject, objectShape, selectsExactly, type ObjectShape } from '../query/batchable.ts';
import { escapeRegexValue } from '../query/matchers.ts';
import type { QueryResult, Sample } from '../prometheus/types.ts';
import { createCoalescer } from './coalesce.ts';

export type FallbackReason = 'not_separable' | 'not_covered' | 'batch_failed';

/** How a request was answered: `batch` ran the window's query, `joined` reused it. */
export type BatchOutcome = 'batch' | 'joined' | FallbackReason;

export interface BatchRequest {
  /** Everything but the objects that shapes the query and where it runs. */
  readonly key: string;
  readonly label: string;
  readonly names: readonly string[];
  readonly build: (names: readonly string[]) => string;
  readonly nowMs: number;
  /** Runs one query at `atMs`; a batch's shared run gets a signal that aborts once no one waits. */
  readonly run: (query: string, atMs: number, signal: AbortSignal) => Promise<QueryResult>;
}

export interface BatcherOptions {
  /** 0 turns batching off: every request runs its own query. */
  readonly windowMs: number;
  /** Object sets asked for within this long join the next window's batch (default 60 s). */
  readonly rememberMs?: number;
  /** Cap on the object regex of a batch; above it the batch asks for every object (8 KiB). */
  readonly maxRegexBytes?: number;
}

export interface BatchAnswer {
  readonly result: QueryResult;
  /** undefined when batching is off. */
  readonly outcome: BatchOutcome | undefined;
}

export interface QueryBatcher {
  /** The request's samples (its own query's, evaluated at the window's start when batched). */
  run(request: BatchRequest, signal: AbortSignal): Promise<BatchAnswer>;
}

interface Batch {
  readonly skeleton: string;
  readonly result: QueryResult;
  /** The vector's samples by object name. */
  readonly byName: ReadonlyMap<string, readonly Sample[]>;
}

interface Chunk {
  /** The names the batch answers for; undefined: every object (the union was over the cap). */
  readonly names: ReadonlySet<string> | undefined;
}

interface KeyState {
  /** Object sets by their joined names, with when last asked for (least recent first). */
  readonly groups: Map<string, { names: readonly string[]; seenMs: number }>;
  window: { index: number; chunk: Chunk } | undefined;
}

const MAX_KEYS = 4096;

const regexBytes = (names: Iterable<string>): number => {
  let n = 0;
  for (const name of names) n += escapeRegexValue(name).length + 1;
  return n;
};

/** The union of the object sets asked for since `fromMs`, or every object when over the cap. */
const pack = (state: KeyState, fromMs: number, cap: number): Chunk => {
  const names = new Set<string>();
  for (const [k, g] of state.groups) {
    if (g.seenMs < fromMs) state.groups.delete(k);
    else for (const n of g.names) names.add(n);
  }
  return { names: regexBytes(names) > cap ? undefined : names };
};

const indexByName = (result: QueryResult, label: string): Map<string, Sample[]> => {
  const byName = new Map<string, Sample[]>();
  if (result.type !== 'vector') return byName;
  for (const s of result.samples) {
    const name = s.labels[label];
    if (name === undefined) continue;
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [s]);
    else list.push(s);
  }
  return byName;
};

const only = (batch: Batch, names: readonly string[]): QueryResult =>
  batch.result.type !== 'vector'
    ? batch.result
    : { ...batch.result, samples: [...new Set(names)].flatMap((n) => batch.byName.get(n) ?? []) };

/**
 * A batch's answer for one object set, the same object again for the very same names array (the
 * coalesced listing identical requests share), so what the provider derives from it is shared too
 * (provider/identity-memo.ts). Keyed weakly: nothing outlives the batch or the listing.
 */
const splitMemo = () => {
  const byBatch = new WeakMap<Batch, WeakMap<readonly string[], QueryResult>>();
  return (batch: Batch, names: readonly string[]): QueryResult => {
    let byNames = byBatch.get(batch);
    if (byNames === undefined) {
      byNames = new WeakMap();
      byBatch.set(batch, byNames);
    }
    let result = byNames.get(names);
    if (result === undefined) {
      result = only(batch, names);
      byNames.set(names, result);
    }
    return result;
  };
};

const MAX_SHAPES = 1024;

/** objectShape per (query, label), parsed once: identical requests send identical PromQL. */
const shapeMemo = () => {
  const shapes = new Map<string, ObjectShape | undefined>();
  return (query: string, label: string): ObjectShape | undefined => {
    const key = `${label}\u0000${query}`;
    if (shapes.has(key)) return shapes.get(key);
    const shape = objectShape(query, label);
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value ?? '');
    shapes.set(key, shape);
    return shape;
  };
};

export const createQueryBatcher = (options: BatcherOptions): QueryBatcher => {
  const states = new Map<string, KeyState>();
  const remember = options.rememberMs ?? 60_000;
  const cap = options.maxRegexBytes ?? 8 * 1024;
  const shapeOf = shapeMemo();
  const split = splitMemo();

  const stateFor = (key: string): KeyState => {
    let state = states.get(key);
    if (state === undefined) {
      if (states.size >= MAX_KEYS) states.delete(states.keys().next().value ?? '');
      state = { groups: new Map(), window: undefined };
      states.set(key, state);
    }
    return state;
  };

  /** Remembers the request's objects; the window's chunk if it holds all of them. */
  const chunkFor = (state: KeyState, request: BatchRequest, index: number): Chunk | undefined => {
    const groupKey = request.names.join('\u0000');
    state.groups.delete(groupKey); // re-inserted last: the most recently asked come last
    state.groups.set(groupKey, { names: request.names, seenMs: request.nowMs });
    if (state.window?.index !== index) {
      state.window = { index, chunk: pack(state, request.nowMs - remember, cap) };
    }
    const { chunk } = state.window;
    return chunk.names === undefined || request.names.every((n) => chunk.names?.has(n))
      ? chunk
      : undefined;
  };

  /**
   * Runs the window's query once (coalesce.ts: shared while in flight and for the window; aborted
   * once every request waiting on it has gone). Undefined when it fails (remembered for the
   * window: the rest run their own queries) or is not what the proof covers.
   */
  const batches = createCoalescer<Batch | undefined>({
    ttlMs: Math.max(options.windowMs, 1),
    maxEntries: MAX_KEYS,
    now: () => Date.now(),
  });
  const runChunk = async (
    chunk: Chunk,
    request: BatchRequest,
    index: number,
    signal: AbortSignal,
  ): Promise<{ batch: Batch | undefined; ran: boolean }> => {
    let ran = false;
    const load = async (shared: AbortSignal): Promise<Batch | undefined> => {
      const names = chunk.names === undefined ? request.names : [...chunk.names];
      const built = request.build(names);
      const shape = shapeOf(built, request.label);
      if (shape === undefined || !selectsExactly(shape, names)) return undefined;
      const query = chunk.names === undefined ? everyObject(built, shape, request.label) : built;
      ran = true;
      try {
        const result = await request.run(query, index * options.windowMs, shared);
        return { skeleton: shape.skeleton, result, byName: indexByName(result, request.label) };
      } catch {
        return undefined;
      }
    };
    const batch = await batches.get(`${request.key}\u0000${String(index)}`, load, signal);
    return { batch, ran };
  };

  return {
    run: async (request, signal) => {
      const query = request.build(request.names);
      if (options.windowMs <= 0) {
        return { result: await request.run(query, request.nowMs, signal), outcome: undefined };
      }
      const own = async (reason: FallbackReason): Promise<BatchAnswer> => ({
        result: await request.run(query, request.nowMs, signal),
        outcome: reason,
      });
      const shape = shapeOf(query, request.label);
      if (shape === undefined || !selectsExactly(shape, request.names)) {
        return own('not_separable');
      }
      const index = Math.floor(request.nowMs / options.windowMs);
      const chunk = chunkFor(stateFor(request.key), request, index);
      if (chunk === undefined) return own('not_covered');
      const { batch, ran } = await runChunk(chunk, request, index, signal);
      if (batch === undefined || batch.skeleton !== shape.skeleton) return own('batch_failed');
      return { result: split(batch, request.names), outcome: ran ? 'batch' : 'joined' };
    },
  };
};
