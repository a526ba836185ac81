import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compileExpansion, expandTemplate } from './expand.ts';
import { compileRe2 } from '../lib/re2/re2.ts';

const expand = (source: string, subject: string, template: string): string => {
  const re = compileRe2(source);
  const match = re.regex.exec(subject);
  assert.ok(match !== null, `${source} does not match ${subject}`);
  return expandTemplate(template, match, re.groupNames);
};

/** [regex, subject, template, Go's ExpandString result]. */
const GO_EXPANSIONS: readonly (readonly [string, string, string, string])[] = [
  ['^(.*)_total$', 'http_requests_total', '$1', 'http_requests'],
  ['^(.*)_total$', 'http_requests_total', '${1}_per_second', 'http_requests_per_second'],
  ['^(.*)_total$', 'http_requests_total', '$1_per_second', ''],
  ['^(.*)_total$', 'http_requests_total', '$$1 $$ $', '$1 $ $'],
  [
    '^(.*)_total$',
    'http_requests_total',
    '$0|$2|${2}|$01|${x}|$x|${|${1|$}|$-',
    'http_requests_total||||||${|${1|$}|$-',
  ],
  [
    '^(?P<base>.*)_(?P<unit>seconds)_total$',
    'http_seconds_total',
    '${base}_${unit} $base $unit.x $2',
    'http_seconds http seconds.x seconds',
  ],
  ['(?P<a>x)|(?P<a>y)', 'y', '[${a}]', '[y]'],
  ['(?<n>a+)', 'caab', '$n', 'aa'],
  ['^container_(.*)_seconds_total$', 'container_cpu_usage_seconds_total', '$1', 'cpu_usage'],
  ['(a|b)*', 'abab', '$1', 'b'],
  ['(?i)HTTP_(\\w+)', 'xhttp_Req', '$1', 'Req'],
  ['(?P<1a>x)', 'x', '${1a}', 'x'],
  ['(?i)(?P<First>a)(B)', 'Ab', '${First}$2', 'Ab'],
  ['^kube_(?P<resource>.+?)$', 'kube_pod', '${resource}', 'pod'],
  ['^(.*)_seconds_total$', 'process_cpu_seconds_total', '$1', 'process_cpu'],
  ['^(.+)$', 'x', '${1}_per_second', 'x_per_second'],
  ['^([a-z]+)_(\\d+)$', 'abc_12', '$2-$1', '12-abc'],
  ['(.+)_(.+)', 'a_b_c', '$1|$2', 'a_b|c'],
  ['(.+?)_(.+)', 'a_b_c', '$1|$2', 'a|b_c'],
  ['(?:a|ab)(c|bcd)', 'abcd', '$0 $1', 'abcd bcd'],
  ['(a+)(b+)?', 'aa', '[$2]', '[]'],
  ['(?P<x>a)(?P<y>b)?', 'a', '[$y][${x}]', '[][a]'],
];

describe('expandTemplate (Go Regexp.ExpandString)', () => {
  for (const [source, subject, template, want] of GO_EXPANSIONS) {
    it(`${template} with ${source}`, () => {
      assert.equal(expand(source, subject, template), want);
    });
  }
});

describe('expandTemplate edge cases', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['${1}_per_second', 'http_requests_total', 'http_requests_per_second'],
    ['$1_per_second', 'http_requests_total', ''],
    ['$$', 'http_requests_total', '$'],
    ['$$1', 'http_requests_total', '$1'],
    ['${name}', 'http_requests_total', 'http_requests'],
    ['$name_x', 'http_requests_total', ''],
    ['${name}_x', 'http_requests_total', 'http_requests_x'],
    ['$0', 'http_requests_total', 'http_requests_total'],
    ['$9', 'http_requests_total', ''],
    ['$01', 'http_requests_total', ''],
    ['${1', 'http_requests_total', '${1'],
    ['$ $- ${} $', 'http_requests_total', '$ $- ${} $'],
    ['pre-$1-post', 'x_total', 'pre-x-post'],
    ['literal only', 'x_total', 'literal only'],
    ['$naméx', 'x_total', ''],
  ];
  for (const [template, subject, want] of cases) {
    it(`${template} on ${subject}`, () => {
      assert.equal(expand('^(?P<name>.*)_total$', subject, template), want);
    });
  }
  it('takes the first participating group of a repeated name', () => {
    assert.equal(expand('(?P<a>x)|(?P<a>y)', 'y', '[$a]'), '[y]');
  });
  it('compiles once and expands many matches', () => {
    const re = compileRe2('^(.*)_total$');
    const expansion = compileExpansion('${1}_rate', re.groupNames);
    const names = ['a_total', 'b_total'].map((s) => {
      const match = re.regex.exec(s);
      assert.ok(match !== null);
      return expansion(match);
    });
    assert.deepEqual(names, ['a_rate', 'b_rate']);
  });
});
