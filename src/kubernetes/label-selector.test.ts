import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatLabelSelector,
  parseLabelSelector,
  SelectorError,
  toLabelSelectorJson,
} from './label-selector.ts';

const QNAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const DNS_RULE =
  "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const INTEGER_RULE = "for 'Gt', 'Lt' operators, the value must be an integer";
const REQ = 'unable to parse requirement: ';

describe('parseLabelSelector: accepted selectors and their canonical String()', () => {
  const cases: readonly [input: string, canonical: string][] = [
    ['', ''],
    [' \t\r\n', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['a', 'a'],
    ['!a', '!a'],
    [' ! a ', '!a'],
    ['a in (x, y)', 'a in (x,y)'],
    ['a notin (y,x,x)', 'a notin (x,y)'],
    ['a notin(x)', 'a notin (x)'],
    ['a=', 'a='],
    ['a=,b', 'a=,b'],
    ['a in ()', 'a in ()'],
    ['a in (,)', 'a in ()'],
    ['a in (x,)', 'a in (,x)'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['a>1', 'a>1'],
    ['a<007', 'a<007'],
    ['b<9223372036854775807', 'b<9223372036854775807'],
    ['in in (in, notin)', 'in in (in,notin)'],
    ['notin', 'notin'],
    ['b=1,a=2', 'a=2,b=1'],
    ['a=2,a=1', 'a=2,a=1'],
    ['a = b ,\tc\nin (d)', 'a=b,c in (d)'],
    ['app.kubernetes.io/name=web-1.2_x', 'app.kubernetes.io/name=web-1.2_x'],
    [`${'k'.repeat(63)}=${'v'.repeat(63)}`, `${'k'.repeat(63)}=${'v'.repeat(63)}`],
    ['\0a=b', ''],
  ];
  for (const [input, canonical] of cases) {
    it(JSON.stringify(input), () => {
      const parsed = parseLabelSelector(input);
      assert.equal(formatLabelSelector(parsed), canonical);
      assert.deepEqual(parseLabelSelector(formatLabelSelector(parsed)), parsed);
    });
  }

  it('returns requirements sorted by key with sorted, de-duplicated values', () => {
    assert.deepEqual(parseLabelSelector('z notin (b,a,b),!y,x,w>3,v=,a in (c)'), [
      { key: 'a', operator: 'in', values: ['c'] },
      { key: 'v', operator: 'equals', values: [''] },
      { key: 'w', operator: 'gt', values: ['3'] },
      { key: 'x', operator: 'exists', values: [] },
      { key: 'y', operator: 'doesNotExist', values: [] },
      { key: 'z', operator: 'notIn', values: ['a', 'b'] },
    ]);
  });
});

describe('parseLabelSelector: errors read as apimachinery labels.Parse', () => {
  const cases: readonly [input: string, message: string][] = [
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a=b,\0', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['a=b\0junk', "found 'junk', expected: ',' or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!', `${REQ}found '', expected: identifier`],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['! =a', `${REQ}found '=', expected: identifier`],
    ['a b', `${REQ}found 'b', expected: in, notin, =, ==, !=, gt, lt`],
    ['a!b', `${REQ}found '!', expected: in, notin, =, ==, !=, gt, lt`],
    ['a in b', `${REQ}found 'b' expected: '('`],
    ['a in (b', `${REQ}found '', expected: ',' or ')'`],
    ['a in (b c)', `${REQ}found 'c', expected: ',' or ')'`],
    ['a in (=)', `${REQ}found '=', expected: ',', ')' or identifier`],
    ['a in (a,,)', `${REQ}found ')', expected: ',', or identifier`],
    ['a=(b)', `${REQ}found '(', expected: identifier`],
    ['a=!b', `${REQ}found '!', expected: identifier`],
    ['a>', `${REQ}values[0]: Invalid value: "": ${INTEGER_RULE}`],
    ['a<x', `${REQ}values[0]: Invalid value: "x": ${INTEGER_RULE}`],
    [
      'a>9223372036854775808',
      `${REQ}values[0]: Invalid value: "9223372036854775808": ${INTEGER_RULE}`,
    ],
    ['a>-1', `${REQ}values[0][a]: Invalid value: "-1": ${VALUE_RULE}`],
    [
      'a>-x',
      `${REQ}[values[0]: Invalid value: "-x": ${INTEGER_RULE}, values[0][a]: Invalid value: "-x": ${VALUE_RULE}]`,
    ],
    [
      'a in (y_,-x)',
      `${REQ}[values[0][a]: Invalid value: "-x": ${VALUE_RULE}, values[1][a]: Invalid value: "y_": ${VALUE_RULE}]`,
    ],
    ['a=b\x01', `${REQ}values[0][a]: Invalid value: "b\\x01": ${VALUE_RULE}`],
    ['a="x"', `${REQ}values[0][a]: Invalid value: "\\"x\\"": ${VALUE_RULE}`],
    ['a=é\u0085', `${REQ}values[0][a]: Invalid value: "é\\u0085": ${VALUE_RULE}`],
    [
      `good-key=${'z'.repeat(64)}`,
      `${REQ}values[0][good-key]: Invalid value: "${'z'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      `a=${'é'.repeat(32)}`,
      `${REQ}values[0][a]: Invalid value: "${'é'.repeat(32)}": must be no more than 63 characters; ${VALUE_RULE}`,
    ],
    [
      'a/b/c ?=? def',
      `${REQ}<nil>: Invalid value: "a/b/c": a qualified name ${QNAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['/a', `${REQ}<nil>: Invalid value: "/a": prefix part must be non-empty`],
    [
      'a/',
      `${REQ}<nil>: Invalid value: "a/": name part must be non-empty; name part ${QNAME_RULE}`,
    ],
    ['Example.com/a', `${REQ}<nil>: Invalid value: "Example.com/a": prefix part ${DNS_RULE}`],
    [
      `${'k'.repeat(64)}=v`,
      `${REQ}<nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    ['-a', `${REQ}<nil>: Invalid value: "-a": name part ${QNAME_RULE}`],
    ['é', `${REQ}<nil>: Invalid value: "é": name part ${QNAME_RULE}`],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(
        () => parseLabelSelector(input),
        (err: unknown) => {
          assert.ok(err instanceof SelectorError);
          assert.equal(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('toLabelSelectorJson (metav1.ParseToLabelSelector)', () => {
  const cases: readonly [input: string, json: string][] = [
    ['', '{}'],
    ['a=b', '{"matchLabels":{"a":"b"}}'],
    ['a==b,c=', '{"matchLabels":{"a":"b","c":""}}'],
    ['a=2,a=1', '{"matchLabels":{"a":"1"}}'],
    ['a in (y,x)', '{"matchExpressions":[{"key":"a","operator":"In","values":["x","y"]}]}'],
    [
      'f!=g,!e,d,c notin (x),a=b',
      '{"matchLabels":{"a":"b"},"matchExpressions":[{"key":"c","operator":"NotIn","values":["x"]},{"key":"d","operator":"Exists"},{"key":"e","operator":"DoesNotExist"},{"key":"f","operator":"NotIn","values":["g"]}]}',
    ],
  ];
  for (const [input, json] of cases) {
    it(JSON.stringify(input), () => {
      assert.equal(JSON.stringify(toLabelSelectorJson(parseLabelSelector(input))), json);
    });
  }

  it('rejects gt/lt and malformed equals like upstream', () => {
    assert.throws(() => toLabelSelectorJson(parseLabelSelector('a>1')), {
      name: 'SelectorError',
      message: `"gt" isn't supported in label selectors`,
    });
    assert.throws(() => toLabelSelectorJson([{ key: 'a', operator: 'equals', values: [] }]), {
      message: 'equals operator must have exactly one value',
    });
  });
});
