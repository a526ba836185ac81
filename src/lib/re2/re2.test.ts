import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RegexError, compileRe2 } from './re2.ts';

/**
 * [regex, subject, groups of the leftmost match (null: no match; null group: did not
 * participate)]. Expectations come from Go's regexp (FindStringSubmatchIndex) on the same input.
 */
const MATCHES: readonly (readonly [string, string, readonly (string | null)[] | null])[] = [
  ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
  ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
  ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
  ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
  ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
  [
    '^(?P<base>.*)_(?P<unit>seconds)_total$',
    'http_seconds_total',
    ['http_seconds_total', 'http', 'seconds'],
  ],
  ['(?P<a>x)|(?P<a>y)', 'y', ['y', null, 'y']],
  ['(?<n>a+)', 'caab', ['aa', 'aa']],
  [
    '^container_(.*)_seconds_total$',
    'container_cpu_usage_seconds_total',
    ['container_cpu_usage_seconds_total', 'cpu_usage'],
  ],
  ['.*', 'anything', ['anything']],
  ['_total', 'a_total_total', ['_total']],
  ['a|ab', 'ab', ['a']],
  ['(a|b)*', 'abab', ['abab', 'b']],
  ['x*', 'yx', ['']],
  ['(?i)HTTP_(\\w+)', 'xhttp_Req', ['http_Req', 'Req']],
  ['(?i)k', 'K', ['K']],
  ['(?i)s', 'ſ', ['ſ']],
  ['a(?i)b', 'aB', ['aB']],
  ['a(?i)b', 'AB', null],
  ['(?i:a)b', 'Ab', ['Ab']],
  ['(?i:a)b', 'AB', null],
  ['(?i:[a-c])x', 'Bx', ['Bx']],
  ['(?i:[^a-c])x', 'Bx', null],
  ['x(?i:\\x41)', 'xa', ['xa']],
  ['(?s).', '\n', ['\n']],
  ['.', '\n', null],
  ['a.c', 'aéc', ['aéc']],
  ['^.$', '😀', ['😀']],
  ['[^a]', '😀', ['😀']],
  ['(?m)^b$', 'a\nb\nc', ['b']],
  ['^b$', 'a\nb\nc', null],
  ['a$', 'a\n', null],
  ['(?m)a$', 'a\n', ['a']],
  ['\\Aa\\z', 'a', ['a']],
  ['(?m:^x)|y', 'a\nx', ['x']],
  ['\\s+', 'a\u000bb \t c', [' \t ']],
  ['\\S+', '\u000b', ['\u000b']],
  ['[\\s]+', '\u000b \t', [' \t']],
  ['[\\S]+', '\u000b \t', ['\u000b']],
  ['\\d+', 'x٣٣3', ['3']],
  ['\\w+', 'été_1', ['t']],
  ['\\bfoo\\b', 'a foo b', ['foo']],
  ['[[:alpha:]]+', 'ab1', ['ab']],
  ['[[:^alpha:]]+', 'ab12c', ['12']],
  ['[[:word:][:punct:]]+', 'a_!b c', ['a_!b']],
  ['[]a]+', ']a]b', [']a]']],
  ['[^]a]+', ']a]bc', ['bc']],
  ['[a-]+', 'a-b', ['a-']],
  ['[-a]+', '-a', ['-a']],
  ['[a\\-z]+', '-az', ['-az']],
  ['[\\d-z]+', '1-z', ['1-z']],
  ['a{2}', 'aaa', ['aa']],
  ['a{2,}', 'aaaa', ['aaaa']],
  ['a{1,2}?', 'aaa', ['a']],
  ['a{,2}', 'a{,2}', ['a{,2}']],
  ['a{', 'a{', ['a{']],
  ['a{01}', 'a{01}', ['a{01}']],
  ['a??', 'aa', ['']],
  ['^*a', 'a', ['a']],
  ['\\b*a', 'a', ['a']],
  ['(?-U)a*', 'aa', ['aa']],
  ['(?i-s:a.)', 'A\n', null],
  ['(?i-s:a.)', 'Ab', ['Ab']],
  ['(?)', 'x', ['']],
  ['(?P<1a>x)', 'x', ['x', 'x']],
  ['\\Qa.b*c\\E+', 'a.b*cc', ['a.b*cc']],
  ['\\Qa.b', 'a.b', ['a.b']],
  ['\\x41\\x{42}\\x{1F600}\\101\\0', 'AB😀A\u0000', ['AB😀A\u0000']],
  ['\\a\\f\\t\\n\\r\\v', '\u0007\f\t\n\r\u000b', ['\u0007\f\t\n\r\u000b']],
  ['\\-\\_\\!\\/\\ \\#', '-_!/ #', ['-_!/ #']],
  ['\\pL+', 'ab1', ['ab']],
  ['\\p{Greek}+', 'aαβ', ['αβ']],
  ['\\P{L}+', 'ab12', ['12']],
  ['\\p{^L}+', 'ab12', ['12']],
  ['[\\p{Lu}\\d]+', 'aB1c', ['B1']],
  ['\\pN+', 'x1٣', ['1٣']],
  ['\\p{Any}', '\n', ['\n']],
  ['[\\x{1F600}-\\x{1F64F}]', '😁', ['😁']],
  ['é+', 'éé', ['éé']],
  ['/', 'a/b', ['/']],
  ['', 'abc', ['']],
  ['a|', 'b', ['']],
  ['(?i)é', 'É', ['É']],
  ['(?i)[é]', 'É', ['É']],
  ['(?i)ß', 'ẞ', ['ẞ']],
  ['.*_total$', 'x_total', ['x_total']],
  ['.*_seconds_total', 'a_seconds_total_b', ['a_seconds_total']],
  ['^container_.*_total$', 'container_cpu_total', ['container_cpu_total']],
  ['(?i:ab(?-i:c)d)e', 'ABcDe', ['ABcDe']],
  ['(?i:ab(?-i:c)d)e', 'ABCDe', null],
  ['(?i:ab(?-i:c)d)e', 'ABcDE', null],
  ['a(?i)b|c', 'aB', ['aB']],
  ['a(?i)b|c', 'C', ['C']],
  ['(a(?i)b)c', 'aBc', ['aBc', 'aB']],
  ['(a(?i)b)c', 'aBC', null],
  ['x(?i)[[:upper:]]+', 'xaB', ['xaB']],
  ['x(?i)[k]', 'xK', ['xK']],
  ['x(?i)[a-z]+', 'xAbZ', ['xAbZ']],
  ['x(?i)\\Qab\\E', 'xAB', ['xAB']],
  ['(?s:a.)b.', 'a\nbc', ['a\nbc']],
  ['(?s:a.)b.', 'a\nb\n', null],
  ['(?ms)^a.$', 'x\na\n\n', ['a\n']],
  ['(?m)$', 'a\nb', ['']],
  ['(?m)^', 'a', ['']],
  ['(?m)(?:^)*a', 'a', ['a']],
  ['a(?i)*', 'aaa', ['aaa']],
  ['(?i)(?P<First>a)(B)', 'Ab', ['Ab', 'A', 'b']],
  ['^kube_(?P<resource>.+?)$', 'kube_pod', ['kube_pod', 'pod']],
  [
    '^(.*)_seconds_total$',
    'process_cpu_seconds_total',
    ['process_cpu_seconds_total', 'process_cpu'],
  ],
  ['^(.+)$', 'x', ['x', 'x']],
  ['^([a-z]+)_(\\d+)$', 'abc_12', ['abc_12', 'abc', '12']],
  ['(.+)_(.+)', 'a_b_c', ['a_b_c', 'a_b', 'c']],
  ['(.+?)_(.+)', 'a_b_c', ['a_b_c', 'a', 'b_c']],
  ['a|ab|abc', 'abc', ['a']],
  ['(?:a|ab)(c|bcd)', 'abcd', ['abcd', 'bcd']],
  ['(a+)(b+)?', 'aa', ['aa', 'aa', null]],
  ['[\\[\\]]+', '[]', ['[]']],
  ['[\\^]', '^', ['^']],
  ['[^\\n]+', 'ab\ncd', ['ab']],
  ['[.]', 'x.', ['.']],
  ['[$]', '$', ['$']],
  ['[\\\\]', '\\', ['\\']],
  ['[{}()|*+?]+', '{}()|*+?', ['{}()|*+?']],
  ['\\{\\}', '{}', ['{}']],
  ['}', '}', ['}']],
  [']', ']', [']']],
  ['(x{3}){2}', 'xxxxxx', ['xxxxxx', 'xxx']],
  ['a{1000}', 'a', null],
  ['(?P<x>a)(?P<y>b)?', 'a', ['a', 'a', null]],
];

/** [regex, Go's error message] for syntax Go rejects. */
const GO_ERRORS: readonly (readonly [string, string])[] = [
  ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
  ['[[:alpha:]', 'error parsing regexp: missing closing ]: `[[:alpha:]`'],
  ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
  ['[a', 'error parsing regexp: missing closing ]: `[a`'],
  ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
  ['a{2,1}', 'error parsing regexp: invalid repeat count: `{2,1}`'],
  ['{2}', 'error parsing regexp: missing argument to repetition operator: `{2}`'],
  ['*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
  ['a*??', 'error parsing regexp: invalid nested repetition operator: `*??`'],
  ['(*)', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['a|*', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['(a', 'error parsing regexp: missing closing ): `(a`'],
  ['a)', 'error parsing regexp: unexpected ): `a)`'],
  ['(?-)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?-)`'],
  ['(?i-)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`'],
  ['(?x)a', 'error parsing regexp: invalid or unsupported Perl syntax: `(?x`'],
  ['(?P<a-b>x)', 'error parsing regexp: invalid named capture: `(?P<a-b>`'],
  ['(?P<>x)', 'error parsing regexp: invalid named capture: `(?P<>`'],
  ['(?P<abc', 'error parsing regexp: invalid named capture: `(?P<abc`'],
  ['\\x{110000}', 'error parsing regexp: invalid escape sequence: `\\x{110000`'],
  ['\\xZZ', 'error parsing regexp: invalid escape sequence: `\\xZZ`'],
  ['\\y', 'error parsing regexp: invalid escape sequence: `\\y`'],
  ['\\Z', 'error parsing regexp: invalid escape sequence: `\\Z`'],
  ['\\C', 'error parsing regexp: invalid escape sequence: `\\C`'],
  ['a\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
  ['\\p{Foo}', 'error parsing regexp: invalid character class range: `\\p{Foo}`'],
  ['\\p{L', 'error parsing regexp: invalid character class range: `\\p{L`'],
  ['x{3}{2}', 'error parsing regexp: invalid nested repetition operator: `{3}{2}`'],
];

/** [regex, message] for JS syntax RE2 lacks (Go rejects all of these too, less clearly). */
const UNSUPPORTED: readonly (readonly [string, string])[] = [
  ['(?=a)', 'RE2 does not support lookahead (?=…) in "(?=a)"'],
  ['(?!a)', 'RE2 does not support negative lookahead (?!…) in "(?!a)"'],
  ['(?<=a)b', 'RE2 does not support lookbehind (?<=…) in "(?<=a)b"'],
  ['(?<!a)b', 'RE2 does not support negative lookbehind (?<!…) in "(?<!a)b"'],
  ['(?>a)', 'RE2 does not support atomic groups (?>…) in "(?>a)"'],
  ['(?#c)', 'RE2 does not support comments (?#…) in "(?#c)"'],
  ['(a)\\1', 'RE2 does not support backreferences (\\1) in "(a)\\\\1"'],
  ['(a)\\9', 'RE2 does not support backreferences (\\9) in "(a)\\\\9"'],
  ['(?<n>a)\\k<n>', 'RE2 does not support named backreferences (\\k<name>) in "(?<n>a)\\\\k<n>"'],
  ['(?P<n>a)(?P=n)', 'RE2 does not support named backreferences (?P=name) in "(?P<n>a)(?P=n)"'],
  ['a*+', 'RE2 does not support possessive quantifiers (*+) in "a*+"'],
  ['a++', 'RE2 does not support possessive quantifiers (++) in "a++"'],
  ['(?U)a*', 'the RE2 ungreedy flag (?U) is not supported (in "(?U)a*")'],
];

const groups = (source: string, subject: string): (string | null)[] | null => {
  const match = compileRe2(source).regex.exec(subject);
  return match === null ? null : Array.from(match, (g) => g ?? null);
};

describe('compileRe2 matching (Go regexp semantics)', () => {
  for (const [source, subject, want] of MATCHES) {
    it(`${source} on ${JSON.stringify(subject)}`, () => {
      assert.deepEqual(groups(source, subject), want);
    });
  }
});

describe('compileRe2 errors', () => {
  for (const [source, message] of [...GO_ERRORS, ...UNSUPPORTED]) {
    it(source, () => {
      assert.throws(
        () => compileRe2(source),
        (err: unknown) => err instanceof RegexError && err.message === message,
      );
    });
  }
});

describe('compileRe2 result', () => {
  it('reports group names and count like Go SubexpNames / NumSubexp', () => {
    const re = compileRe2('(?P<base>.*)_(x)(?<unit>[a-z]+)(?:y)');
    assert.deepEqual(re.groupNames, ['', 'base', '', 'unit']);
    assert.equal(re.groupCount, 3);
    assert.equal(compileRe2('.*').groupCount, 0);
  });
  it('allows names JS rejects (leading digit, duplicates)', () => {
    assert.deepEqual(compileRe2('(?P<1a>x)(?P<d>y)(?P<d>z)').groupNames, ['', '1a', 'd', 'd']);
  });
  it('uses the u flag, plus i only when (?i) covers the whole regex', () => {
    assert.equal(compileRe2('abc').regex.flags, 'u');
    assert.equal(compileRe2('(?i)abc').regex.flags, 'iu');
    assert.equal(compileRe2('a(?i)bc').regex.flags, 'u');
    assert.equal(compileRe2('(?i)123').regex.flags, 'u');
  });
  it('is unanchored, stateless and frozen', () => {
    const re = compileRe2('_total');
    assert.ok(!re.regex.global && !re.regex.sticky);
    assert.ok(re.regex.test('a_total_b'));
    assert.ok(re.regex.test('a_total_b'));
    assert.ok(Object.isFrozen(re) && Object.isFrozen(re.groupNames));
    assert.equal(re.source, '_total');
  });
});
