/**
 * Test oracle: does a parsed PromQL matcher mean what the request meant? A request means "label
 * `name` is (`positive`) or is not one of `values`". An `=`/`!=` matcher means that when its
 * value is the only value; a regex matcher when the regex, compiled as Prometheus does (RE2,
 * fully anchored, `(?s)`), matches every value and none of the probes that are not values.
 */
import assert from 'node:assert/strict';
import { compileRe2 } from '../../src/lib/re2/re2.ts';
import type { Requirement } from '../../src/kubernetes/label-selector-types.ts';
import type { ParsedMatcher } from './promql-matchers.ts';

export interface Intended {
  readonly name: string;
  readonly positive: boolean;
  readonly values: readonly string[];
}

/** What a label selector requirement means for a series (labels.Requirement semantics). */
export const intendedOf = (r: Requirement): Intended => {
  switch (r.operator) {
    case 'equals':
    case 'in':
      return { name: r.key, positive: true, values: r.values };
    case 'notEquals':
    case 'notIn':
      return { name: r.key, positive: false, values: r.values };
    case 'exists':
      return { name: r.key, positive: false, values: [''] };
    case 'doesNotExist':
      return { name: r.key, positive: true, values: [''] };
    case 'gt':
    case 'lt':
      throw new Error(`no PromQL meaning for ${r.operator}`);
  }
};

export const is = (name: string, ...values: string[]): Intended => ({
  name,
  positive: true,
  values,
});
export const isNot = (name: string, ...values: string[]): Intended => ({
  name,
  positive: false,
  values,
});

/** Near misses of `values`: affixes, truncations, joins, case changes, plus `extra`. */
export const probesFor = (values: readonly string[], extra: readonly string[]): string[] => {
  const out = new Set<string>(['', '.*', 'a', '|', '\n', ...extra]);
  for (const v of values) {
    for (const p of [`${v}x`, `x${v}`, `${v}${v}`, v.slice(1), v.slice(0, -1), `${v}\n`]) {
      out.add(p);
    }
    // Each of the first characters replaced: catches an unescaped `.`, `[…]`, `\d`…
    const chars = Array.from(v);
    for (let i = 0; i < Math.min(chars.length, 8); i++) {
      for (const sub of ['x', '\n'])
        out.add([...chars.slice(0, i), sub, ...chars.slice(i + 1)].join(''));
    }
    out.add(v.toUpperCase());
    out.add(v.toLowerCase());
  }
  out.add(values.join('|'));
  out.add(values.join(''));
  for (const v of values) out.delete(v);
  return [...out];
};

const regexCache = new Map<string, RegExp>();
const anchored = (source: string): RegExp => {
  let re = regexCache.get(source);
  if (re === undefined) {
    re = compileRe2(`^(?s:${source})$`).regex;
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
};

/** Asserts `got` means `want`, matcher by matcher in order. */
export const assertMatchersMean = (
  got: readonly ParsedMatcher[],
  want: readonly Intended[],
  extraProbes: readonly string[],
): void => {
  const shown = () => JSON.stringify({ got, want });
  assert.equal(got.length, want.length, `matcher count: ${shown()}`);
  want.forEach((w, i) => {
    const g = got[i];
    assert.ok(g !== undefined);
    assert.equal(g.name, w.name, `label name: ${shown()}`);
    const positive = g.op === '=' || g.op === '=~';
    assert.equal(positive, w.positive, `operator polarity: ${shown()}`);
    if (g.op === '=' || g.op === '!=') {
      assert.deepEqual([g.value], [...new Set(w.values)], `literal value: ${shown()}`);
      return;
    }
    const re = anchored(g.value);
    for (const v of w.values)
      assert.ok(re.test(v), `regex misses ${JSON.stringify(v)}: ${shown()}`);
    for (const p of probesFor(w.values, extraProbes)) {
      assert.ok(!re.test(p), `regex also matches ${JSON.stringify(p)}: ${shown()}`);
    }
  });
};
