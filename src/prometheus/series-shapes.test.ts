import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shapesOf } from './series-shapes.ts';

describe('shapesOf', () => {
  const table: {
    name: string;
    series: { name: string; labels: Record<string, string> }[];
    shapes: [string, string[]][];
  }[] = [
    { name: 'nothing', series: [], shapes: [] },
    {
      name: 'repeats in a row and label order do not make new shapes',
      series: [
        { name: 'a', labels: { pod: '1', namespace: 'n' } },
        { name: 'a', labels: { pod: '2', namespace: 'n' } },
        { name: 'a', labels: { namespace: 'n', pod: '3' } },
      ],
      shapes: [['a', ['namespace', 'pod']]],
    },
    {
      name: 'interleaved names and label sets stay distinct',
      series: [
        { name: 'a', labels: { pod: '1' } },
        { name: 'b', labels: { pod: '1' } },
        { name: 'a', labels: { pod: '1', job: 'j' } },
        { name: 'a', labels: { pod: '2' } },
        { name: 'b', labels: {} },
      ],
      shapes: [
        ['a', ['pod']],
        ['b', ['pod']],
        ['a', ['job', 'pod']],
        ['b', []],
      ],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = shapesOf(t.series);
      assert.equal(got.count, t.series.length);
      assert.deepEqual(
        got.shapes.map((s) => [s.name, s.labelNames]),
        t.shapes,
      );
    });
  }
});
