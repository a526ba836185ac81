import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import type { FieldRequirement } from './field-selector.ts';

const eq = (field: string, value: string): FieldRequirement => ({ field, operator: '=', value });
const ne = (field: string, value: string): FieldRequirement => ({ field, operator: '!=', value });

describe('parseFieldSelector (fields.ParseSelector)', () => {
  const cases: readonly [input: string, expected: readonly FieldRequirement[]][] = [
    ['', []],
    [',,', []],
    ['=', []],
    ['metadata.name=x', [eq('metadata.name', 'x')]],
    ['metadata.name==x', [eq('metadata.name', 'x')]],
    ['metadata.name!=x', [ne('metadata.name', 'x')]],
    [
      'metadata.namespace=ns,metadata.name=a',
      [eq('metadata.name', 'a'), eq('metadata.namespace', 'ns')],
    ],
    ['a=', [eq('a', '')]],
    ['=b', [eq('', 'b')]],
    [' a = b ', [eq(' a ', ' b ')]],
    ['a!b=c', [eq('a!b', 'c')]],
    ['a=x\\,y', [eq('a', 'x,y')]],
    ['a=x\\=y,b=\\\\', [eq('a', 'x=y'), eq('b', '\\')]],
    ['a=é\\,\u{1F600}', [eq('a', 'é,\u{1F600}')]],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(parseFieldSelector(input), expected);
    });
  }

  const errors: readonly [input: string, message: string][] = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['x=1,abc', "invalid selector: 'x=1,abc'; can't understand 'abc'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a\\=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a===b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseFieldSelector(input), { name: 'SelectorError', message });
    });
  }
});

describe('matchesFields', () => {
  const pod = { 'metadata.name': 'web-1', 'metadata.namespace': 'prod' };
  const cases: readonly [selector: string, matches: boolean][] = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name=web-2', false],
    ['metadata.name!=web-2,metadata.namespace=prod', true],
    ['metadata.namespace!=prod', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
  ];
  for (const [selector, matches] of cases) {
    it(JSON.stringify(selector), () => {
      assert.equal(matchesFields(parseFieldSelector(selector), pod), matches);
    });
  }
});
