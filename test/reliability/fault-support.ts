/**
 * Shared pieces of the fault matrix (docs/reliability.md): the HPA's request, what came back,
 * and recovery measured by polling until the adapter answers with values again.
 */
import { pollUntil } from '../support/poll.ts';
import type { HttpsAnswer, RunningAdapter } from '../integration/harness.ts';

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

/** Prints a matrix row's measured figures (the numbers docs/reliability.md quotes). */
export const report = (fault: string, o: Outcome, recoveredS?: number): void => {
  const rec = recoveredS === undefined ? '' : ` recovered in ${recoveredS.toFixed(2)} s`;
  console.log(
    `[fault-matrix] ${fault}: ${o.status} ${o.reason} "${o.message.slice(0, 160)}" in ${Math.round(o.ms)} ms;${rec}`,
  );
};
