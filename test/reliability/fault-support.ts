/**
 * Shared pieces of the fault matrix (docs/reliability.md): the HPA's request, what came back,
 * and recovery measured by polling until the adapter answers with values again.
 */
import { after, before } from 'node:test';
import { pollUntil } from '../support/poll.ts';
import {
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type HttpsAnswer,
  type RunningAdapter,
} from '../integration/harness.ts';

/** The request the HPA controller makes for `http_requests` of the sample app's pods. */
export const HPA_PATH =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests?labelSelector=app%3Dsample-app';

export interface Outcome {
  readonly status: number;
  readonly message: string;
  readonly reason: string;
  readonly ms: number;
  readonly body: string;
}

/** The HPA request with the deadline lowered to `timeout` (the apiserver's `?timeout=`). */
export const hpaGet = async (adapter: RunningAdapter, timeout = '5s'): Promise<Outcome> => {
  const started = performance.now();
  const res: HttpsAnswer = await adapter.get(`${HPA_PATH}&timeout=${timeout}`);
  const ms = performance.now() - started;
  let doc: { message?: string; reason?: string } = {};
  try {
    doc = JSON.parse(res.body) as typeof doc;
  } catch {
    doc = {};
  }
  return {
    status: res.status,
    message: doc.message ?? '',
    reason: doc.reason ?? '',
    ms,
    body: res.body,
  };
};

/** The values of a 200 answer, by pod. */
export const valuesOf = (body: string): Record<string, string> =>
  Object.fromEntries(
    (
      JSON.parse(body) as { items: { describedObject: { name: string }; value: string }[] }
    ).items.map((i) => [i.describedObject.name, i.value]),
  );

/** Seconds until the HPA request answers 200 with at least one value (after a fault ended). */
export const recovery = async (adapter: RunningAdapter, timeoutMs = 60_000): Promise<number> => {
  const r = await pollUntil(
    () => hpaGet(adapter),
    (o) => o.status === 200 && Object.keys(valuesOf(o.body)).length > 0,
    { timeoutMs, intervalMs: 100 },
  );
  if (!r.ok) {
    throw new Error(`no recovery within ${timeoutMs} ms; last: ${JSON.stringify(r.value)}`, {
      cause: r.lastError,
    });
  }
  return r.seconds;
};

/**
 * The first HPA answer that is not a 200: a success stays shared for the 1 s coalescing window
 * (correct values of that window), so the fault shows from the next window on.
 */
export const firstFailure = async (adapter: RunningAdapter, timeout: string): Promise<Outcome> => {
  const r = await pollUntil(
    () => hpaGet(adapter, timeout),
    (o) => o.status !== 200,
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  if (!r.ok || r.value === undefined) throw new Error(`still 200 after ${r.seconds} s`);
  return r.value;
};

export interface Timed {
  readonly at: number;
  readonly status: number;
  readonly message: string;
}

/** HPA clients looping on the request until `stop()`; every answer kept with its time. */
export const hpaLoad = (
  adapter: RunningAdapter,
  clients: number,
): { readonly outcomes: readonly Timed[]; stop(): Promise<void> } => {
  const outcomes: Timed[] = [];
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const o = await hpaGet(adapter, '5s');
      outcomes.push({ at: performance.now(), status: o.status, message: o.message });
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
};

/** The failures among `outcomes` and their distinct `<code> <message>` kinds. */
export const failuresOf = (outcomes: readonly Timed[]) => {
  const failed = outcomes.filter((o) => o.status !== 200);
  return { failed, kinds: [...new Set(failed.map((o) => `${o.status} ${o.message}`))] };
};

/** Prints a matrix row's measured figures (the numbers docs/reliability.md quotes). */
export const report = (fault: string, o: Outcome, recoveredS?: number): void => {
  const rec = recoveredS === undefined ? '' : ` recovered in ${recoveredS.toFixed(2)} s`;
  console.log(
    `[fault-matrix] ${fault}: ${o.status} ${o.reason} "${o.message.slice(0, 160)}" in ${Math.round(o.ms)} ms;${rec}`,
  );
};

/** A fault test's harness and adapter, there once its before-hook has run. */
export interface FaultSuite {
  readonly h: Harness;
  readonly adapter: RunningAdapter;
}

/**
 * Registers the hooks of a fault test: before, a harness of `apps` sample apps, `setup` on it
 * (routes of the fake kube API…), and an adapter talking to Prometheus through the fault proxy
 * (`via: 'proxy'`) or directly, serving values already; after, both stopped.
 */
export const faultSuite = (
  o: {
    readonly apps?: number;
    readonly via?: 'proxy' | 'direct';
    readonly args?: readonly string[];
    readonly setup?: (h: Harness) => void;
  } = {},
): FaultSuite => {
  const state: { h?: Harness; adapter?: RunningAdapter } = {};
  before(async () => {
    const h = await startHarness(o.apps ?? 1);
    state.h = h;
    o.setup?.(h);
    const prometheusUrl = o.via === 'direct' ? h.prometheus.url : h.proxy.url;
    state.adapter = await startAdapter({ dir: h.dir, prometheusUrl }, [
      '--rate-interval=30s',
      ...(o.args ?? []),
    ]);
    await waitListed(state.adapter, 'pods/http_requests');
    await recovery(state.adapter);
  });
  after(async () => {
    await state.adapter?.stop();
    await state.h?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite has not started (before-hook failed?)');
    return value;
  };
  return {
    get h() {
      return started(state.h);
    },
    get adapter() {
      return started(state.adapter);
    },
  };
};
