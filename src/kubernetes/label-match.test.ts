import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelsMatch } from './label-match.ts';
import { parseLabelSelector } from './label-selector.ts';

describe('labelsMatch', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app notin (db,web)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['n>4', true],
    ['n<5', false],
    ['app>1', false],
    ['missing<9', false],
    ['app=web,tier=back', false],
  ];
  for (const [selector, want] of cases) {
    it(`${JSON.stringify(selector)} → ${want}`, () => {
      assert.equal(labelsMatch(parseLabelSelector(selector), labels), want);
    });
  }
});
