import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { everyObject, literalAlternatives, objectShape, selectsExactly } from './batchable.ts';

describe('objectShape', () => {
  const cases: [string, string, string[] | undefined][] = [
    [
      'default rule, regex',
      'sum(rate(x{pod=~"a|b\\\\.c",namespace="n"}[2m])) by (pod)',
      ['a', 'b.c'],
    ],
    ['default rule, one name', 'sum(rate(x{pod="a",namespace="n"}[2m])) by (pod)', ['a']],
    ['by before body', 'max by (pod) (x{pod="a"} / on(pod) group_left y{pod="a"})', ['a']],
    ['no grouping at the top', 'sum(x{pod="a"})', undefined],
    ['top groups by more', 'sum by (pod, c) (x{pod="a"})', undefined],
    ['inner aggregation drops the label', 'sum by (pod) (x{pod="a"} / on() sum(y))', undefined],
    ['ignoring the object label', 'sum by (pod) (x{pod="a"} / ignoring(pod) y)', undefined],
    [
      'cross-series function',
      'sum by (pod) (label_replace(x{pod="a"}, "pod", "z", "", ""))',
      undefined,
    ],
    ['scalar()', 'sum by (pod) (x{pod="a"} * scalar(y))', undefined],
    ['regex that is not a literal set', 'sum by (pod) (x{pod=~"a.*"})', undefined],
    ['negative matcher', 'sum by (pod) (x{pod!="a"})', undefined],
    ['no object matcher', 'sum by (pod) (x)', undefined],
    ['syntax error', 'sum by (pod) (x{pod="a"}', undefined],
  ];
  for (const [name, query, want] of cases) {
    it(name, () => {
      const shape = objectShape(query, 'pod');
      assert.deepEqual(shape?.objectSets[0], want);
      if (want !== undefined && shape !== undefined) assert.ok(selectsExactly(shape, want));
    });
  }

  it('queries differing only in their objects share a skeleton; anything else does not', () => {
    const a = objectShape('sum(rate(x{pod="a",ns="n"}[2m])) by (pod)', 'pod');
    const ab = objectShape('sum(rate(x{pod=~"a|b",ns="n"}[2m])) by (pod)', 'pod');
    const other = objectShape('sum(rate(x{pod=~"a|b",ns="m"}[2m])) by (pod)', 'pod');
    const regrouped = objectShape('sum(rate(x{pod="a",ns="n"}[5m])) by (pod)', 'pod');
    assert.equal(a?.skeleton, ab?.skeleton);
    assert.notEqual(ab?.skeleton, other?.skeleton);
    assert.notEqual(a?.skeleton, regrouped?.skeleton);
  });
});

describe('literalAlternatives', () => {
  const cases: [string, string[] | undefined][] = [
    ['a|b', ['a', 'b']],
    ['a\\.b|c\\|d', ['a.b', 'c|d']],
    ['a.b', undefined],
    ['a|', undefined],
    ['\\d', undefined],
  ];
  for (const [regex, want] of cases) {
    it(regex, () => {
      assert.deepEqual(literalAlternatives(regex), want);
    });
  }
});

describe('everyObject', () => {
  const cases: [string, string][] = [
    [
      'sum(rate(x{pod=~"a|b",namespace="n"}[2m])) by (pod)',
      'sum(rate(x{pod!="",namespace="n"}[2m])) by (pod)',
    ],
    [
      'max by (pod) (x{pod="a"} / on(pod) group_left y{namespace="n",pod="a"})',
      'max by (pod) (x{pod!=""} / on(pod) group_left y{namespace="n",pod!=""})',
    ],
  ];
  for (const [query, want] of cases) {
    it(query, () => {
      const shape = objectShape(query, 'pod');
      assert.ok(shape);
      const every = everyObject(query, shape, 'pod');
      assert.equal(every, want);
      // A negative matcher is no literal object set: an everyObject query is never re-batched.
      assert.equal(objectShape(every, 'pod'), undefined, 'no literal object set any more');
    });
  }
});
