import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { stringify } from 'yaml';
import type { Requirement } from '../kubernetes/label-selector-types.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import {
  escapeRegexValue,
  joinMatchers,
  labelEq,
  labelMatches,
  labelNeq,
  labelNotMatches,
  MatcherError,
  quoteLabelValue,
  resourceMatcher,
  selectorMatchers,
} from './matchers.ts';

/** Values a client controls, chosen to break out of a string, a matcher or a regex. */
const HOSTILE: readonly string[] = [
  '',
  ' ',
  'plain-value.1',
  '"',
  '"}',
  '"} or vector(1) #',
  '",__name__=~".+',
  '\\',
  '\\"',
  '\\\\"}',
  "'",
  '`',
  'a|b',
  '.*',
  '(x)',
  '[a-z]+',
  '{1,2}',
  '^$',
  '$1',
  'a\nb',
  '\r\t\v\f\b\x07',
  '\x00\x01\x1f\x7f',
  'é日本語',
  '😀',
  '\u0085\u00a0\u00ad\u200b\u2028',
  '\ue000\u{10ffff}',
  '\ufffd',
  '\ud800',
  'x'.repeat(1000),
];

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};
/** strconv.Unquote for the escapes Go's %q emits; fails on anything else (a raw `"` or newline). */
const goUnquote = (literal: string): string => {
  assert.match(
    literal,
    /^"(?:[^"\\\n\r]|\\(?:[abfnrtv\\"]|x[0-7][0-9a-f]|u[0-9a-f]{4}|U[0-9a-f]{8}))*"$/,
  );
  return literal
    .slice(1, -1)
    .replace(/\\(x..|u.{4}|U.{8}|.)/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (SIMPLE_ESCAPES[e] ?? ''),
    );
};
/** What the value becomes on the wire: UTF-8 turns a lone surrogate into U+FFFD. */
const wireForm = (v: string): string => v.replace(/\p{Cs}/gu, '\ufffd');

describe('quoteLabelValue', () => {
  const cases: readonly [value: string, literal: string][] = [
    ['', '""'],
    ['web-1', '"web-1"'],
    ['"}', '"\\"}"'],
    ['\\', '"\\\\"'],
    ['a\nb\tc\r', '"a\\nb\\tc\\r"'],
    ['\x07\b\f\v', '"\\a\\b\\f\\v"'],
    ['\x00\x1b\x7f', '"\\x00\\x1b\\x7f"'],
    ['é日本😀', '"é日本😀"'],
    ['\u0085\u00a0\u200b', '"\\u0085\\u00a0\\u200b"'],
    ['\u{10ffff}', '"\\U0010ffff"'],
    ['\ufffd', '"\\ufffd"'],
    ['a\ud800b', '"a\\ufffdb"'],
  ];
  for (const [value, literal] of cases) {
    it(JSON.stringify(value), () => {
      assert.equal(quoteLabelValue(value), literal);
    });
  }

  it('unquotes (as Go strconv.Unquote) to the value for every hostile value', () => {
    for (const v of HOSTILE) assert.equal(goUnquote(quoteLabelValue(v)), wireForm(v));
  });
});

describe('escapeRegexValue', () => {
  it('escapes exactly the RE2 metacharacters', () => {
    assert.equal(
      escapeRegexValue('\\.+*?()|[]{}^$'),
      '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$',
    );
    assert.equal(escapeRegexValue('a-b_c/d:e#f g'), 'a-b_c/d:e#f g');
  });

  it('makes every hostile value match itself only, as an anchored alternative', () => {
    for (const v of HOSTILE) {
      const re = new RegExp(`^(?:${escapeRegexValue(v)}|${escapeRegexValue('other')})$`, 's');
      assert.ok(re.test(v), JSON.stringify(v));
      assert.ok(re.test('other'));
      assert.ok(!re.test(`${v}x`) && !re.test('b'), JSON.stringify(v));
    }
    assert.ok(!new RegExp(`^(?:${escapeRegexValue('a.b')})$`).test('axb'));
  });
});

describe('matcher builders', () => {
  it('renders the four operators with quoted values', () => {
    assert.equal(labelEq('pod', 'a"b'), 'pod="a\\"b"');
    assert.equal(labelNeq('container', 'POD'), 'container!="POD"');
    assert.equal(labelMatches('pod', 'a\\.b|c'), 'pod=~"a\\\\.b|c"');
    assert.equal(labelNotMatches('_x9', ''), '_x9!~""');
  });

  it('rejects label names Prometheus 2.x cannot parse', () => {
    for (const name of ['', '9a', 'app.kubernetes.io/name', 'a-b', 'a"', 'é', 'a b']) {
      assert.throws(() => labelEq(name, 'v'), MatcherError, name);
    }
  });

  it('resourceMatcher: one name with =, several as an escaped alternation, none is an error', () => {
    assert.equal(resourceMatcher('pod', ['somepod1']), 'pod="somepod1"');
    assert.equal(resourceMatcher('pod', ['somepod1', 'somepod2']), 'pod=~"somepod1|somepod2"');
    assert.equal(resourceMatcher('resource', ['bar', 'baz']), 'resource=~"bar|baz"');
    assert.equal(resourceMatcher('svc', ['a.b', 'c']), 'svc=~"a\\\\.b|c"');
    assert.throws(() => resourceMatcher('pod', []), {
      name: 'MatcherError',
      message: 'no resource names to match',
    });
  });

  it('joinMatchers joins with commas', () => {
    assert.equal(
      joinMatchers(['foo="bar"', 'namespaces="default"']),
      'foo="bar",namespaces="default"',
    );
    assert.equal(joinMatchers([]), '');
  });
});

describe('selectorMatchers (upstream-behaviour: query)', () => {
  const r = (operator: Requirement['operator'], values: string[], key = 'k'): Requirement => ({
    key,
    operator,
    values,
  });
  const cases: readonly [Requirement, string][] = [
    [r('equals', ['v']), 'k="v"'],
    [r('equals', ['v1', 'v2']), 'k=~"v1|v2"'],
    [r('notEquals', ['v']), 'k!="v"'],
    [r('notEquals', ['v1', 'v2']), 'k!~"v1|v2"'],
    [r('in', ['v']), 'k=~"v"'],
    [r('in', ['a.*']), 'k=~"a\\\\.\\\\*"'],
    [r('in', ['v1', 'v2']), 'k=~"v1|v2"'],
    [r('in', ['', 'v']), 'k=~"|v"'],
    [r('notIn', ['v']), 'k!~"v"'],
    [r('notIn', ['v1', 'v2']), 'k!~"v1|v2"'],
    [r('exists', []), 'k!=""'],
    [r('doesNotExist', []), 'k=""'],
    [r('equals', ['a"b']), 'k="a\\"b"'],
  ];
  for (const [req, expected] of cases) {
    it(`${req.operator} ${JSON.stringify(req.values)}`, () => {
      assert.deepEqual(selectorMatchers([req]), [expected]);
    });
  }

  const errors: readonly [Requirement, string][] = [
    [r('equals', []), 'operator requires values'],
    [r('notEquals', []), 'operator requires values'],
    [r('in', []), 'operator requires values'],
    [r('notIn', []), 'operator requires values'],
    [r('exists', ['v']), 'operator does not support values'],
    [r('doesNotExist', ['v', 'w']), 'operator does not support values'],
    [r('gt', ['1']), 'operator not supported by prometheus'],
    [r('lt', []), 'operator not supported by prometheus'],
    [r('gt', ['1'], ''), 'label not specified'],
    [
      r('exists', [], 'app.kubernetes.io/name'),
      'invalid Prometheus label name "app.kubernetes.io/name"',
    ],
  ];
  for (const [req, message] of errors) {
    it(`${req.operator} ${JSON.stringify(req.values)} key ${JSON.stringify(req.key)} fails`, () => {
      assert.throws(() => selectorMatchers([req]), { name: 'MatcherError', message });
    });
  }

  it('keeps the parsed selector order (sorted by key)', () => {
    assert.deepEqual(selectorMatchers(parseLabelSelector('param1=value1')), ['param1="value1"']);
    assert.deepEqual(selectorMatchers(parseLabelSelector('b in (x.y,z),a!=q,!c,d')), [
      'a!="q"',
      'b=~"x\\\\.y|z"',
      'c=""',
      'd!=""',
    ]);
    assert.deepEqual(selectorMatchers([]), []);
  });
});

/** One query per hostile value, with three matchers whose names and literals we know. */
const hostileQueries = (): { query: string; names: string[]; literals: string[] }[] =>
  HOSTILE.map((v) => {
    const parts = [
      labelEq('a', v),
      resourceMatcher('b', [v, 'other']),
      selectorMatchers([{ key: 'c', operator: 'notIn', values: [v] }])[0] ?? '',
    ];
    const literals = [quoteLabelValue(v), quoteLabelValue(`${escapeRegexValue(v)}|other`)];
    literals.push(quoteLabelValue(escapeRegexValue(v)));
    return { query: `sum(m{${joinMatchers(parts)}}) by (b)`, names: ['a', 'b', 'c'], literals };
  });

describe('produced matchers are valid PromQL', () => {
  it('parse with the Prometheus grammar (lezer-promql) into exactly the intended matchers', () => {
    for (const { query, names, literals } of hostileQueries()) {
      const seen = { errors: 0, names: [] as string[], literals: [] as string[] };
      parser.parse(query).iterate({
        enter: (node) => {
          const text = query.slice(node.from, node.to);
          if (node.type.isError) seen.errors++;
          if (node.name === 'LabelName') seen.names.push(text);
          if (node.name === 'StringLiteral') seen.literals.push(text);
        },
      });
      assert.deepEqual(seen, { errors: 0, names: [...names, 'b'], literals }, query);
    }
  });

  it('pass promtool (the Go PromQL parser), when installed', (t) => {
    const promtool = '/usr/bin/promtool';
    if (!existsSync(promtool)) {
      t.skip(`${promtool} not installed (Debian package prometheus)`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'matchers-'));
    try {
      const rules = hostileQueries().map(({ query }, i) => ({ record: `test:r${i}`, expr: query }));
      const file = join(dir, 'rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'matchers', rules }] }));
      const run = spawnSync(promtool, ['check', 'rules', file], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
