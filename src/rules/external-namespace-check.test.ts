import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { externalNamespaceProblems } from './external-namespace-check.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';

const unresolvable = (rule: CompiledRule): CompiledRule => ({
  ...rule,
  labelFor: () => {
    throw new Error('no generic resource label form specified for this metric');
  },
});

describe('externalNamespaceProblems', () => {
  const ok = fakeRule({ kind: 'external', seriesQuery: 'a', path: 'externalRules[0]' });
  const broken = unresolvable(
    fakeRule({ kind: 'external', seriesQuery: 'b', path: 'externalRules[1]' }),
  );
  const brokenButFlat = {
    ...unresolvable(fakeRule({ kind: 'external', seriesQuery: 'c', path: 'externalRules[2]' })),
    namespaced: false,
  };
  const brokenCustom = unresolvable(
    fakeRule({ kind: 'custom', seriesQuery: 'd', path: 'rules[0]' }),
  );

  it('reports only namespaced external rules that cannot name the namespace label', () => {
    const problems = externalNamespaceProblems([ok, broken, brokenButFlat, brokenCustom]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['externalRules[1].resources'],
    );
    assert.match(problems[0]?.message ?? '', /namespaced external rule/);
    assert.match(problems[0]?.message ?? '', /no generic resource label form/);
    assert.match(problems[0]?.message ?? '', /namespaced: false/);
  });

  it('is empty for a good config', () => {
    assert.deepEqual(externalNamespaceProblems([ok, brokenButFlat]), []);
  });
});
