import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customOutcomes, fateOfValue } from './evaluate.ts';
import type { RawSample } from './types.ts';

const sample = (labels: Record<string, string>, value: string): RawSample => ({
  labels,
  timestamp: 1,
  value,
});

describe('customOutcomes: what becomes of each object', () => {
  const cases: readonly {
    readonly name: string;
    readonly samples: readonly RawSample[];
    readonly fate: string;
    readonly stray: readonly string[];
  }[] = [
    {
      name: 'a sample: its value, converted as the provider converts it',
      samples: [sample({ pod: 'a' }, '0.25')],
      fate: 'served 250m',
      stray: [],
    },
    {
      name: 'no sample: dropped',
      samples: [],
      fate: 'dropped no sample with pod="a" in the result',
      stray: [],
    },
    {
      name: 'a sample lacking the object label names no object',
      samples: [sample({ instance: 'x' }, '1')],
      fate: 'dropped no sample with pod="a" in the result',
      stray: ['has no pod label, so it names no object (does the query group by <<.GroupBy>>?)'],
    },
    {
      name: 'a sample naming another object is stray',
      samples: [sample({ pod: 'z' }, '1')],
      fate: 'dropped no sample with pod="a" in the result',
      stray: ['pod="z" is not a requested object'],
    },
    {
      name: 'NaN is served as 0, flagged',
      samples: [sample({ pod: 'a' }, 'NaN')],
      fate: 'served-nonfinite 0',
      stray: [],
    },
    {
      name: '+Inf is served as the largest quantity, flagged',
      samples: [sample({ pod: 'a' }, 'Infinity')],
      fate: 'served-nonfinite 9223372036854775807m',
      stray: [],
    },
    {
      name: 'the last of duplicate samples wins, as in the provider',
      samples: [sample({ pod: 'a' }, '1'), sample({ pod: 'a' }, '2')],
      fate: 'served 2',
      stray: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { outcomes, straySamples } = customOutcomes(['a'], 'pod', c.samples);
      const fate = outcomes[0]?.fate;
      assert.ok(fate);
      assert.equal(`${fate.kind} ${fate.kind === 'dropped' ? fate.message : fate.value}`, c.fate);
      assert.deepEqual(
        straySamples.map((s) => s.message),
        c.stray,
      );
    });
  }

  it('-Inf says what it was served as', () => {
    const fate = fateOfValue('-Infinity');
    assert.equal(fate.kind, 'served-nonfinite');
    assert.match(
      fate.kind === 'served-nonfinite' ? fate.message : '',
      /the sample is -Infinity: served as -9223372036854775808m/,
    );
  });
});
