/** The explanation's one-line verdict: the answer's status and the reason for it. */
import type { Explanation, Reason } from './types.ts';

const statusMessage = (body: unknown): string | undefined => {
  const status = body as { kind?: unknown; message?: unknown } | null;
  if (typeof status !== 'object' || status === null || status.kind !== 'Status') return undefined;
  return typeof status.message === 'string' ? status.message : '';
};

const itemCount = (body: unknown): number =>
  ((body as { items?: unknown[] } | null)?.items ?? []).length;

/** Why the answer is what it is, in one line starting with the HTTP status. */
export const verdictOf = (
  e: Omit<Explanation, 'verdict'>,
  problem: Reason | undefined,
  resource: string | undefined,
): string => {
  const { status, body } = e.answer;
  const head = `${status}`;
  const why = (() => {
    if (e.request.problem !== undefined) return e.request.problem;
    if (problem !== undefined) return problem.message;
    if (e.request.api !== 'resource' && e.rule === undefined) {
      const what =
        e.request.api === 'external'
          ? e.request.metric
          : `${resource ?? e.request.resource}/${e.request.metric}`;
      const hint = e.didYouMean[0] === undefined ? '' : `; did you mean ${e.didYouMean[0]}?`;
      return `no rule serves ${what}${hint}`;
    }
    const failed = e.queries.find((q) => q.error !== undefined);
    if (failed !== undefined) return `the Prometheus query failed: ${failed.error ?? ''}`;
    if (e.objects !== undefined && e.objects.length === 0)
      return `the selector matched no ${e.request.resource}`;
    const dropped = e.outcomes.filter((o) => o.fate.kind === 'dropped').length;
    const odd = e.outcomes.filter((o) => o.fate.kind === 'served-nonfinite').length;
    if (status === 200) {
      const n = itemCount(body);
      const notes = [
        ...(dropped > 0 ? [`${dropped} dropped for lack of a sample`] : []),
        ...(odd > 0 ? [`${odd} NaN/Inf`] : []),
      ];
      return `${n} value(s) served${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    }
    const first = e.outcomes.find((o) => o.fate.kind === 'dropped');
    if (first !== undefined && first.fate.kind === 'dropped') return first.fate.message;
    return statusMessage(body) ?? 'see the answer';
  })();
  return `${head}: ${why}`;
};
