/**
 * fast-check parameters for the hostile-input properties: a fixed seed (HOSTILE_SEED overrides
 * it) and run counts scaled by HOSTILE_SCALE (the nightly `npm run test:hostile-long` uses 20;
 * see docs/reliability.md, "Hostile input").
 * fast-check's failure message carries the seed (replay: HOSTILE_SEED=<seed>), the path and the
 * shrunk counterexample.
 */
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 14_2026;

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}=${raw} is not a number`);
  return value;
};

export const HOSTILE_SEED = envNumber('HOSTILE_SEED', DEFAULT_SEED);
export const HOSTILE_SCALE = envNumber('HOSTILE_SCALE', 1);

/** `numRuns` cases (times HOSTILE_SCALE) from the suite's seed. */
export const fcParams = <T>(numRuns: number): Parameters<T> => ({
  seed: HOSTILE_SEED,
  numRuns: Math.max(1, Math.round(numRuns * HOSTILE_SCALE)),
  includeErrorInReport: true,
});
