/**
 * What the custom and external providers report per rule for its health metrics: each query
 * they ran for a request (outcome and latency), objects dropped for lack of a sample, and NaN/Inf
 * samples. Optional: providers without an observer report nothing.
 */
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { BatchOutcome } from './batched.ts';

export interface RuleObserver {
  queried(rule: CompiledRule, ok: boolean, seconds: number): void;
  dropped(rule: CompiledRule, objects: number): void;
  nonFinite(rule: CompiledRule, samples: number): void;
  /** How a batched request was answered (provider/batched.ts). */
  batched?(rule: CompiledRule, outcome: BatchOutcome): void;
}

/** Runs `fn`, reporting its outcome and duration for `rule`. */
export const observed = async <T>(
  observer: RuleObserver | undefined,
  rule: CompiledRule,
  fn: () => Promise<T>,
): Promise<T> => {
  if (observer === undefined) return fn();
  const began = performance.now();
  try {
    const result = await fn();
    observer.queried(rule, true, (performance.now() - began) / 1000);
    return result;
  } catch (err) {
    observer.queried(rule, false, (performance.now() - began) / 1000);
    throw err;
  }
};

/** Reports the non-finite values among `values` (if any). */
export const countNonFinite = (
  observer: RuleObserver | undefined,
  rule: CompiledRule,
  values: readonly number[],
): void => {
  const n = values.filter((v) => !Number.isFinite(v)).length;
  if (n > 0) observer?.nonFinite(rule, n);
};
