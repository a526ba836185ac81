/**
 * What became of each object: the served value (converted as the providers convert it), or why
 * it was dropped; and the samples that named no object. Replays the providers' matching of
 * samples to objects on the recorded samples: the last sample per object-label value wins.
 */
import { quantityFromFloat } from '../kubernetes/quantity.ts';
import type { ObjectFate, ObjectOutcome, RawSample, StraySample } from './types.ts';

export interface Outcomes {
  readonly outcomes: ObjectOutcome[];
  readonly straySamples: StraySample[];
}

/** The value a sample is served as, flagged when NaN or ±Inf. */
export const fateOfValue = (raw: string): ObjectFate => {
  const value = Number(raw);
  const served = quantityFromFloat(value, 'DecimalSI');
  if (Number.isFinite(value)) return { kind: 'served', value: served };
  return {
    kind: 'served-nonfinite',
    value: served,
    message: `the sample is ${raw}: served as ${served}, which the HPA takes at face value`,
  };
};

const labelsText = (labels: Readonly<Record<string, string>>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

/** Custom metrics: one outcome per requested object, plus samples that named none. */
export const customOutcomes = (
  objects: readonly string[],
  label: string,
  samples: readonly RawSample[],
): Outcomes => {
  const wanted = new Set(objects);
  const byName = new Map<string, RawSample>();
  const straySamples: StraySample[] = [];
  for (const s of samples) {
    const name = s.labels[label];
    if (name === undefined) {
      straySamples.push({
        labels: s.labels,
        message: `has no ${label} label, so it names no object (does the query group by <<.GroupBy>>?)`,
      });
    } else if (!wanted.has(name)) {
      straySamples.push({
        labels: s.labels,
        message: `${label}=${JSON.stringify(name)} is not a requested object`,
      });
    } else byName.set(name, s);
  }
  const outcomes = objects.map((name): ObjectOutcome => {
    const s = byName.get(name);
    return {
      name,
      fate:
        s === undefined
          ? {
              kind: 'dropped',
              message: `no sample with ${label}=${JSON.stringify(name)} in the result`,
            }
          : fateOfValue(s.value),
    };
  });
  return { outcomes, straySamples };
};

/** External metrics: every sample is a value; its labels name it. */
export const externalOutcomes = (samples: readonly RawSample[]): Outcomes => ({
  outcomes: samples.map((s) => ({ name: labelsText(s.labels), fate: fateOfValue(s.value) })),
  straySamples: [],
});

/**
 * Resource metrics: the objects seen in the cpu and memory samples, each served when the answer
 * holds it, else dropped for lacking one of the two. Objects with no sample at all are not seen.
 */
export const resourceOutcomes = (
  label: string,
  cpu: readonly RawSample[],
  memory: readonly RawSample[],
  served: ReadonlySet<string>,
): Outcomes => {
  const names = (from: readonly RawSample[]) =>
    new Set(from.flatMap((s) => (s.labels[label] === undefined ? [] : [s.labels[label]])));
  const withCpu = names(cpu);
  const withMemory = names(memory);
  const all = [...new Set([...withCpu, ...withMemory, ...served])].sort();
  const outcomes = all.map((name): ObjectOutcome => {
    if (served.has(name)) return { name, fate: { kind: 'served', value: 'see the answer' } };
    const missing = withCpu.has(name) ? 'memory' : 'cpu';
    return {
      name,
      fate: {
        kind: 'dropped',
        message: `no ${missing} sample for ${label}=${JSON.stringify(name)}`,
      },
    };
  });
  return { outcomes, straySamples: [] };
};
