import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DATA } from '../../../test/support/template-data.ts';
import { compileTemplate, TemplateError } from './go-template.ts';

interface Case {
  readonly name: string;
  readonly tpl: string;
  readonly want: string;
}

const render = (tpl: string): string => compileTemplate(tpl, { name: 't' }).render(DATA);

/** Asserts that `fn` throws a TemplateError with exactly `message`. */
const throwsTemplateError = (fn: () => unknown, message: string): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TemplateError, `not a TemplateError: ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
};

const RENDER: readonly Case[] = [
  { name: 'text only', tpl: 'plain text', want: 'plain text' },
  { name: 'field', tpl: '<<.Series>>', want: 'http_requests_total' },
  {
    name: 'brace adjacency',
    tpl: '{<<.LabelMatchers>>}',
    want: '{namespace="default",pod=~"a|b"}',
  },
  { name: 'nested map field', tpl: '<<.Any.m.a>>', want: 'b' },
  { name: 'missing map key prints no value', tpl: '<<.LabelValuesByName.x>>', want: '<no value>' },
  {
    name: 'field of missing key is no value',
    tpl: '<<.LabelValuesByName.x.y>>',
    want: '<no value>',
  },
  { name: 'dollar', tpl: '<<$.GroupBy>> <<$.GroupBySlice>>', want: 'pod [resource extra groups]' },
  {
    name: 'dot at top prints the struct',
    tpl: '<<.Zero>><<with .Nested>><<.>><<end>>',
    want: '0map[a:[] b:[1 2]]',
  },
  { name: 'variable declare and use', tpl: '<<$x := .N>><<$x>>', want: '42' },
  { name: 'variable assign', tpl: '<<$x := 1>><<$x = 2>><<$x>>', want: '2' },
  { name: 'variable fields', tpl: '<<$m := .Any>><<$m.s>><<$m.m.z>>', want: 'x1' },
  { name: 'index map', tpl: '<<index .LabelValuesByName "resource">>', want: 'bar|baz' },
  {
    name: 'index missing key of map[string]string is empty',
    tpl: '[<<index .LabelValuesByName "x">>]',
    want: '[]',
  },
  {
    name: 'index missing key of map[string]any is no value',
    tpl: '<<index .Any "x">>',
    want: '<no value>',
  },
  {
    name: 'index slice and nested',
    tpl: '<<index .GroupBySlice 1>> <<index .Nested "b" 1>> <<index .Any "m" "z">>',
    want: 'extra 2 1',
  },
  { name: 'index string yields a byte', tpl: '<<index .Series 0>>', want: '104' },
  {
    name: 'index with no indexes',
    tpl: '<<index .GroupBySlice>>',
    want: '[resource extra groups]',
  },
  {
    name: 'range slice',
    tpl: '<<range .GroupBySlice>>[<<.>>]<<end>>',
    want: '[resource][extra][groups]',
  },
  {
    name: 'range with index and value',
    tpl: '<<range $i, $v := .GroupBySlice>><<$i>>=<<$v>> <<end>>',
    want: '0=resource 1=extra 2=groups ',
  },
  {
    name: 'range single variable is the element',
    tpl: '<<range $v := .GroupBySlice>><<$v>>,<<end>>',
    want: 'resource,extra,groups,',
  },
  {
    name: 'range map in key order',
    tpl: '<<range $k, $v := .LabelValuesByName>><<$k>>:<<$v>>;<<end>>',
    want: 'namespace:default;resource:bar|baz;',
  },
  { name: 'range int', tpl: '<<range 3>><<.>><<end>>', want: '012' },
  { name: 'range else on empty', tpl: '<<range .Empty>>x<<else>>empty<<end>>', want: 'empty' },
  {
    name: 'range else on no value',
    tpl: '<<range .Any.missing>>x<<else>>none<<end>>',
    want: 'none',
  },
  { name: 'range else on negative int', tpl: '<<range -2>>x<<else>>neg<<end>>', want: 'neg' },
  {
    name: 'range break',
    tpl: '<<range .GroupBySlice>><<if eq . "extra">><<break>><<end>><<.>><<end>>',
    want: 'resource',
  },
  {
    name: 'range continue',
    tpl: '<<range .GroupBySlice>><<if eq . "extra">><<continue>><<end>><<.>><<end>>',
    want: 'resourcegroups',
  },
  {
    name: 'range body variables',
    tpl: '<<range .GroupBySlice>><<$l := len .>><<$l>><<end>>',
    want: '856',
  },
  {
    name: 'assign in range updates outer',
    tpl: '<<$x := "">><<range .GroupBySlice>><<$x = .>><<end>><<$x>>',
    want: 'groups',
  },
  { name: 'if true', tpl: '<<if .B>>yes<<end>>', want: 'yes' },
  { name: 'if else', tpl: '<<if .Zero>>yes<<else>>no<<end>>', want: 'no' },
  {
    name: 'else if chain',
    tpl: '<<if .Empty>>a<<else if .EmptyMap>>b<<else if .N>>c<<else>>d<<end>>',
    want: 'c',
  },
  {
    name: 'if on no value is false',
    tpl: '<<if .LabelValuesByName.x>>y<<else>>n<<end>>',
    want: 'n',
  },
  { name: 'if declaration visible in branches', tpl: '<<if $n := .N>><<$n>><<end>>', want: '42' },
  { name: 'with sets dot', tpl: '<<with .Any.m>><<.a>><<end>>', want: 'b' },
  { name: 'with else', tpl: '<<with .EmptyMap>>y<<else>>n<<end>>', want: 'n' },
  { name: 'else with', tpl: '<<with .Empty>>a<<else with .N>>b<<.>><<else>>c<<end>>', want: 'b42' },
  { name: 'with variable', tpl: '<<with $x := .N>><<$x>>/<<.>><<end>>', want: '42/42' },
  { name: 'trim left', tpl: 'a  \n\t<<- .GroupBy>>', want: 'apod' },
  { name: 'trim right', tpl: '<<.GroupBy ->>  \n b', want: 'podb' },
  { name: 'trim both', tpl: 'x\n  <<- .GroupBy\n  ->>\n y', want: 'xpody' },
  { name: 'comment', tpl: 'a<</* comment */>>b', want: 'ab' },
  { name: 'trimmed comment', tpl: 'a  <<- /* c */ ->>  b', want: 'ab' },
  { name: 'multi-line comment', tpl: '<</* line1\nline2 */>>x', want: 'x' },
  {
    name: 'newlines inside actions',
    tpl: '<<.Series\n|\nprintf "%s!">>',
    want: 'http_requests_total!',
  },
  {
    name: 'pipeline final argument',
    tpl: '<<.Series | printf "%s-%s" "a">>',
    want: 'a-http_requests_total',
  },
  { name: 'pipeline chain', tpl: '<<.Series | len | printf "%03d">>', want: '019' },
  {
    name: 'parenthesised args',
    tpl: '<<printf "%s/%d" (index .LabelValuesByName "namespace") (len .GroupBySlice)>>',
    want: 'default/3',
  },
  { name: 'chain on parenthesised', tpl: '<<(.Any).m.z>>', want: '1' },
  {
    name: 'string literals',
    tpl: '<<"a\\tb">>|<<`raw\\t`>>|<<"\\x41\\u00e9\\101">>',
    want: 'a\tb|raw\\t|AéA',
  },
  {
    name: 'numbers',
    tpl: "<<0x1F>> <<1_000>> <<0o17>> <<017>> <<0b101>> <<-0>> <<+5>> <<1.5>> <<'a'>> <<'\\n'>>",
    want: '31 1000 15 15 5 0 5 1.5 97 10',
  },
  { name: 'bools', tpl: '<<true>> <<false>>', want: 'true false' },
  {
    name: 'float printing',
    tpl: '<<.F>> <<100000.5>> <<1000000.5>> <<0.0001>> <<0.00001>> <<2.5e-7>>',
    want: '1.5 100000.5 1.0000005e+06 0.0001 1e-05 2.5e-07',
  },
  {
    name: 'slice printing',
    tpl: '<<.GroupBySlice>> <<.Empty>>',
    want: '[resource extra groups] []',
  },
  {
    name: 'map printing sorted',
    tpl: '<<.LabelValuesByName>> <<.EmptyMap>> <<.Any>>',
    want: 'map[namespace:default resource:bar|baz] map[] map[l:[a 1 true] m:map[a:b z:1] n:3 s:x]',
  },
  { name: 'mixed list printing', tpl: '<<.List>>', want: '[a 2 2.5 false [x] map[k:v]]' },
  { name: 'nested printing', tpl: '<<.Nested>>', want: 'map[a:[] b:[1 2]]' },
  {
    name: 'len',
    tpl: '<<len .Series>> <<len .GroupBySlice>> <<len .LabelValuesByName>> <<len .Str>>',
    want: '19 3 2 13',
  },
  {
    name: 'slice builtin',
    tpl: '<<slice .GroupBySlice 1>> <<slice .GroupBySlice 1 2>> <<slice .GroupBySlice 0 1 2>> <<slice .Series 0 4>>',
    want: '[extra groups] [extra] [resource] http',
  },
  {
    name: 'eq multi',
    tpl: '<<eq .N 1 42>> <<eq .GroupBy "x" "y">> <<eq .B true>>',
    want: 'true false true',
  },
  {
    name: 'ne lt le gt ge',
    tpl: '<<ne .N 1>> <<lt 1 2>> <<le 2 2>> <<gt "b" "a">> <<ge 1.5 2.5>>',
    want: 'true true true true false',
  },
  { name: 'eq with no value', tpl: '<<eq .Any.missing "x">> <<eq nil nil>>', want: 'false true' },
  {
    name: 'and or return deciding value',
    tpl: '<<and 1 0 2>>|<<and 1 2>>|<<or 0 "" 3>>|<<or 0 "">>',
    want: '0|2|3|',
  },
  { name: 'and or with pipeline', tpl: '<<1 | and 2>>|<<0 | or "">>', want: '1|0' },
  { name: 'not', tpl: '<<not 0>> <<not .N>> <<not .Any.missing>>', want: 'true false true' },
  { name: 'print', tpl: '<<print 1 2 "a" "b" 3 true nil>>', want: '1 2ab3 true <nil>' },
  { name: 'println', tpl: '<<println 1 "a">>', want: '1 a\n' },
  { name: 'print no value as nil', tpl: '<<print .Any.missing>>', want: '<nil>' },
  {
    name: 'html',
    tpl: '<<html "<a href=\'x\'>\\"&</a>">>',
    want: '&lt;a href=&#39;x&#39;&gt;&#34;&amp;&lt;/a&gt;',
  },
  {
    name: 'js',
    tpl: '<<js "<a href=\'x\'>\\"&=\\n\\u2028é\\\\">>',
    want: "\\u003Ca href\\u003D\\'x\\'\\u003E\\\"\\u0026\\u003D\\u000A\\u2028é\\\\",
  },
  {
    name: 'urlquery',
    tpl: '<<urlquery "a b&c=d/é~!*\'()">>',
    want: 'a+b%26c%3Dd%2F%C3%A9~%21%2A%27%28%29',
  },
  {
    name: 'escapers of several args',
    tpl: '<<urlquery 1 2 "x">> <<js 1 "a">> <<html .GroupBySlice>> <<html nil>>',
    want: '1+2x 1a [resource extra groups] &lt;no value&gt;',
  },
  {
    name: 'define and template',
    tpl: '<<define "a">>[<<.>>]<<end>><<template "a" .N>><<template "a">>',
    want: '[42][<no value>]',
  },
  { name: 'block', tpl: '<<block "b" .GroupBy>>(<<.>>)<<end>>', want: '(pod)' },
  {
    name: 'template sees its own dollar',
    tpl: '<<define "x">><<$>><<end>><<template "x" 5>>',
    want: '5',
  },
  { name: 'only executed branches fail', tpl: '<<if false>><<.Nope>><<end>>ok', want: 'ok' },
];

const PARSE_ERRORS: readonly Case[] = [
  { name: 'unclosed action', tpl: '<<.Series', want: 'template: t:1: unclosed action' },
  {
    name: 'unclosed action on a later line',
    tpl: 'a\nb\n<<.Series',
    want: 'template: t:3: unclosed action',
  },
  {
    name: 'unclosed action started earlier',
    tpl: 'a\n<<.Series\n',
    want: 'template: t:3: unclosed action started at t:2',
  },
  {
    name: 'single right angle',
    tpl: '<<.Series>',
    want: "template: t:1: bad character U+003E '>'",
  },
  {
    name: 'unknown function',
    tpl: '<<join .GroupBySlice ",">>',
    want: 'template: t:1: function "join" not defined',
  },
  { name: 'unexpected end', tpl: '<<end>>', want: 'template: t:1: unexpected {{end}}' },
  { name: 'unexpected else', tpl: '<<else>>', want: 'template: t:1: unexpected {{else}}' },
  { name: 'unexpected EOF', tpl: '<<if true>>x', want: 'template: t:1: unexpected EOF' },
  {
    name: 'missing value for if',
    tpl: '<<if>>x<<end>>',
    want: 'template: t:1: missing value for if',
  },
  {
    name: 'too many declarations',
    tpl: '<<range $i, $v, $w := .GroupBySlice>><<end>>',
    want: 'template: t:1: too many declarations in range',
  },
  {
    name: 'too many declarations outside range',
    tpl: '<<$x, $y := 1>>',
    want: 'template: t:1: too many declarations in command',
  },
  {
    name: 'range can only initialize variables',
    tpl: '<<range $x, 1>><<end>>',
    want: 'template: t:1: range can only initialize variables',
  },
  { name: 'undefined variable', tpl: '<<$y>>', want: 'template: t:1: undefined variable "$y"' },
  {
    name: 'non executable command',
    tpl: '<<.Series | 1>>',
    want: 'template: t:1: non executable command in pipeline stage 2',
  },
  {
    name: 'comment must close the action',
    tpl: '<</*c*/ >>',
    want: 'template: t:1: comment ends before closing delimiter',
  },
  {
    name: 'comment must open the action',
    tpl: '<< /* c */>>',
    want: 'template: t:1: unexpected "/" in command',
  },
  { name: 'unclosed comment', tpl: '<</* c >>', want: 'template: t:1: unclosed comment' },
  {
    name: 'minus without space is a number',
    tpl: 'a  <<-.Series>>',
    want: 'template: t:1: bad number syntax: "-.S"',
  },
  { name: 'unterminated string', tpl: '<<"abc', want: 'template: t:1: unterminated quoted string' },
  {
    name: 'unterminated raw string',
    tpl: '<<`raw',
    want: 'template: t:1: unterminated raw quoted string',
  },
  {
    name: 'string with newline',
    tpl: '<<"a\nb">>',
    want: 'template: t:1: unterminated quoted string',
  },
  { name: 'bad escape', tpl: '<<"\\q">>', want: 'template: t:1: invalid syntax' },
  { name: 'bad number', tpl: '<<1x>>', want: 'template: t:1: bad number syntax: "1x"' },
  {
    name: 'illegal number',
    tpl: '<<print 1e>>',
    want: 'template: t:1: illegal number syntax: "1e"',
  },
  {
    name: 'malformed character constant',
    tpl: "<<'ab'>>",
    want: "template: t:1: malformed character constant: 'ab'",
  },
  {
    name: 'unexpected right paren',
    tpl: '<<.Series)>>',
    want: 'template: t:1: unexpected right paren',
  },
  { name: 'unclosed left paren', tpl: '<<(.Series>>', want: 'template: t:1: unclosed left paren' },
  {
    name: 'empty parenthesised pipeline',
    tpl: '<<()>>',
    want: 'template: t:1: missing value for parenthesized pipeline',
  },
  {
    name: 'break outside range',
    tpl: '<<break>>',
    want: 'template: t:1: {{break}} outside {{range}}',
  },
  {
    name: 'else if in range',
    tpl: '<<range .Empty>><<else if true>>x<<end>>',
    want: 'template: t:1: unexpected <if> in input',
  },
  {
    name: 'double else',
    tpl: '<<if true>><<else>><<else>><<end>>',
    want: 'template: t:1: expected end; found {{else}}',
  },
  {
    name: 'dot after literal',
    tpl: '<<"s".x>>',
    want: 'template: t:1: unexpected . after term "\\"s\\""',
  },
  { name: 'double dot', tpl: '<<..>>', want: 'template: t:1: unexpected <.> in operand' },
  { name: 'empty command', tpl: '<<$x := >>', want: 'template: t:1: missing value for command' },
  { name: 'bad character', tpl: '<<#>>', want: 'template: t:1: unexpected "#" in command' },
  {
    name: 'non-ascii character',
    tpl: '<<€>>',
    want: "template: t:1: unrecognized character in action: U+20AC '€'",
  },
  { name: 'expected declare', tpl: '<<: >>', want: 'template: t:1: expected :=' },
  {
    name: 'define in action',
    tpl: '<<if 1>><<define "a">>x<<end>><<end>>',
    want: 'template: t:1: unexpected <define> in command',
  },
  {
    name: 'redefinition',
    tpl: '<<define "x">>1<<end>><<define "x">>2<<end>>',
    want: 'template: t:1: template: multiple definition of template "x"',
  },
  {
    name: 'define needs a name',
    tpl: '<<define 1>><<end>>',
    want: 'template: t:1: unexpected "1" in define clause',
  },
];

const EXEC_ERRORS: readonly Case[] = [
  {
    name: 'unknown struct field',
    tpl: '<<.Nope>>',
    want: 'template: t:1:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type struct',
  },
  {
    name: 'unknown field on a later line',
    tpl: 'a\n<<.Nope>>',
    want: 'template: t:2:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type struct',
  },
  {
    name: 'field of a string',
    tpl: '<<.Series.x>>',
    want: 'template: t:1:9: executing "t" at <.Series.x>: can\'t evaluate field x in type string',
  },
  {
    name: 'field of an int',
    tpl: '<<.N.x>>',
    want: 'template: t:1:4: executing "t" at <.N.x>: can\'t evaluate field x in type int',
  },
  {
    name: 'unknown field via dollar',
    tpl: '<<$.Nope>>',
    want: 'template: t:1:3: executing "t" at <$.Nope>: can\'t evaluate field Nope in type struct',
  },
  {
    name: 'unknown field via variable',
    tpl: '<<$x := .>><<$x.Nope>>',
    want: 'template: t:1:15: executing "t" at <$x.Nope>: can\'t evaluate field Nope in type struct',
  },
  {
    name: 'field of a range element',
    tpl: '<<range .GroupBySlice>><<.Nope>><<end>>',
    want: 'template: t:1:25: executing "t" at <.Nope>: can\'t evaluate field Nope in type string',
  },
  {
    name: 'field with arguments',
    tpl: '<<.Series "x">>',
    want: 'template: t:1:2: executing "t" at <.Series>: Series has arguments but cannot be invoked as function',
  },
  {
    name: 'piped into a field',
    tpl: '<<"x" | .Series>>',
    want: 'template: t:1:8: executing "t" at <.Series>: Series has arguments but cannot be invoked as function',
  },
  {
    name: 'map key with arguments',
    tpl: '<<.Any.s "x">>',
    want: 'template: t:1:6: executing "t" at <.Any.s>: s is not a method but has arguments',
  },
  {
    name: 'literal with arguments',
    tpl: '<<"a" "b">>',
    want: 'template: t:1:2: executing "t" at <"a">: can\'t give argument to non-function "a"',
  },
  {
    name: 'nil command',
    tpl: '<<nil>>',
    want: 'template: t:1:2: executing "t" at <nil>: nil is not a command',
  },
  {
    name: 'index of no value',
    tpl: '<<index .Any.missing 1>>',
    want: 'template: t:1:2: executing "t" at <index .Any.missing 1>: error calling index: index of untyped nil',
  },
  {
    name: 'index out of range',
    tpl: '<<index .GroupBySlice 3>>',
    want: 'template: t:1:2: executing "t" at <index .GroupBySlice 3>: error calling index: reflect: slice index out of range',
  },
  {
    name: 'negative index',
    tpl: '<<index .GroupBySlice -1>>',
    want: 'template: t:1:2: executing "t" at <index .GroupBySlice -1>: error calling index: index out of range: -1',
  },
  {
    name: 'index map with int',
    tpl: '<<index .LabelValuesByName 1>>',
    want: 'template: t:1:2: executing "t" at <index .LabelValuesByName 1>: error calling index: value has type int; should be string',
  },
  {
    name: 'index slice with string',
    tpl: '<<index .GroupBySlice "a">>',
    want: 'template: t:1:2: executing "t" at <index .GroupBySlice "a">: error calling index: cannot index slice/array with type string',
  },
  {
    name: 'index an int',
    tpl: '<<index .N 1>>',
    want: 'template: t:1:2: executing "t" at <index .N 1>: error calling index: can\'t index item of type int',
  },
  {
    name: 'len of int',
    tpl: '<<len .N>>',
    want: 'template: t:1:2: executing "t" at <len .N>: error calling len: len of type int',
  },
  {
    name: 'slice bounds',
    tpl: '<<slice .GroupBySlice 2 1>>',
    want: 'template: t:1:2: executing "t" at <slice .GroupBySlice 2 1>: error calling slice: invalid slice index: 2 > 1',
  },
  {
    name: 'slice out of range',
    tpl: '<<slice .GroupBySlice 3 4>>',
    want: 'template: t:1:2: executing "t" at <slice .GroupBySlice 3 4>: error calling slice: index out of range: 4',
  },
  {
    name: '3-index string slice',
    tpl: '<<slice .Series 1 2 3>>',
    want: 'template: t:1:2: executing "t" at <slice .Series 1 2 3>: error calling slice: cannot 3-index slice a string',
  },
  {
    name: 'eq of slices',
    tpl: '<<eq .GroupBySlice .GroupBySlice>>',
    want: 'template: t:1:2: executing "t" at <eq .GroupBySlice .GroupBySlice>: error calling eq: non-comparable type [resource extra groups]: []string',
  },
  {
    name: 'eq incompatible',
    tpl: '<<eq "a" 1>>',
    want: 'template: t:1:2: executing "t" at <eq "a" 1>: error calling eq: incompatible types for comparison: string and int',
  },
  {
    name: 'eq missing argument',
    tpl: '<<eq 1>>',
    want: 'template: t:1:2: executing "t" at <eq 1>: error calling eq: missing argument for comparison',
  },
  {
    name: 'lt bools',
    tpl: '<<lt true false>>',
    want: 'template: t:1:2: executing "t" at <lt true false>: error calling lt: invalid type for comparison',
  },
  {
    name: 'lt incompatible',
    tpl: '<<lt 1 2.5>>',
    want: 'template: t:1:2: executing "t" at <lt 1 2.5>: error calling lt: incompatible types for comparison: int and float64',
  },
  {
    name: 'wrong arity',
    tpl: '<<ne 1 2 3>>',
    want: 'template: t:1:2: executing "t" at <ne>: wrong number of args for ne: want 2 got 3',
  },
  {
    name: 'too few args',
    tpl: '<<and>>',
    want: 'template: t:1:2: executing "t" at <and>: wrong number of args for and: want at least 1 got 0',
  },
  {
    name: 'not arity',
    tpl: '<<not 1 2>>',
    want: 'template: t:1:2: executing "t" at <not>: wrong number of args for not: want 1 got 2',
  },
  {
    name: 'printf needs a string',
    tpl: '<<printf 1>>',
    want: 'template: t:1:9: executing "t" at <1>: expected string; found 1',
  },
  {
    name: 'printf wrong type',
    tpl: '<<printf .N>>',
    want: 'template: t:1:9: executing "t" at <.N>: wrong type for value; expected string; got int',
  },
  {
    name: 'call',
    tpl: '<<call .N>>',
    want: 'template: t:1:2: executing "t" at <call .N>: error calling call: non-function .N of type int',
  },
  {
    name: 'range over string',
    tpl: '<<range .Series>><<end>>',
    want: 'template: t:1:8: executing "t" at <.Series>: range can\'t iterate over http_requests_total',
  },
  {
    name: 'range over struct',
    tpl: '<<range $.B>><<end>>',
    want: 'template: t:1:9: executing "t" at <$.B>: range can\'t iterate over true',
  },
  {
    name: 'range int with two vars',
    tpl: '<<range $i, $v := 3>><<end>>',
    want: 'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable',
  },
  {
    name: 'assign to undeclared',
    tpl: '<<$z = 2>>',
    want: 'template: t:1:7: executing "t" at <2>: undefined variable: $z',
  },
  {
    name: 'variable out of scope at run time',
    tpl: '<<if false>><<$v := 1>><<else>><<$v>><<end>>',
    want: 'template: t:1:33: executing "t" at <$v>: undefined variable: $v',
  },
  {
    name: 'undefined template',
    tpl: '<<template "x">>',
    want: 'template: t:1:11: executing "t" at <{{template "x"}}>: template "x" not defined',
  },
  {
    name: 'error in define',
    tpl: '<<define "x">><<.Nope>><<end>><<template "x" .>>',
    want: 'template: t:1:16: executing "x" at <.Nope>: can\'t evaluate field Nope in type struct',
  },
];

describe('template rendering (Go text/template semantics)', () => {
  for (const c of RENDER)
    it(c.name, () => {
      assert.equal(render(c.tpl), c.want);
    });
});

describe('template parse errors', () => {
  for (const c of PARSE_ERRORS) {
    it(c.name, () => {
      throwsTemplateError(() => compileTemplate(c.tpl, { name: 't' }), c.want);
    });
  }
});

describe('template execution errors', () => {
  for (const c of EXEC_ERRORS) {
    it(c.name, () => {
      const tpl = compileTemplate(c.tpl, { name: 't' });
      throwsTemplateError(() => tpl.render(DATA), c.want);
    });
  }
});

const QUERY_FIELDS = ['Series', 'LabelMatchers', 'LabelValuesByName', 'GroupBy', 'GroupBySlice'];

describe('upstream metrics query examples (upstream-behaviour: query)', () => {
  const query = {
    Series: 'container_some_count_total',
    LabelMatchers: 'resource=~"bar|baz"',
    LabelValuesByName: { resource: 'bar|baz' },
    GroupBy: 'resource',
    GroupBySlice: ['resource', 'extra', 'groups'],
  };
  const cases: readonly Case[] = [
    {
      name: 'rate query',
      tpl: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (<<.GroupBy>>)',
      want: 'sum(rate(container_some_count_total{resource=~"bar|baz"}[5m])) by (resource)',
    },
    { name: 'label matchers', tpl: '<<.LabelMatchers>>', want: 'resource=~"bar|baz"' },
    { name: 'index label values', tpl: '<<index .LabelValuesByName "resource">>', want: 'bar|baz' },
    { name: 'group-by slice', tpl: '<<.GroupBySlice>>', want: '[resource extra groups]' },
    { name: 'braces around matchers', tpl: '{<<.LabelMatchers>>}', want: '{resource=~"bar|baz"}' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const tpl = compileTemplate(c.tpl, { name: 'metrics-query', fields: QUERY_FIELDS });
      assert.equal(tpl.render(query), c.want);
    });
  }
  it('external, non-namespaced: missing label values index to ""', () => {
    const tpl = compileTemplate('<<index .LabelValuesByName "namespaces">> <<.GroupBySlice>>');
    const external = { ...query, LabelValuesByName: {}, GroupBySlice: ['foo', 'bar'] };
    assert.equal(tpl.render(external), ' [foo bar]');
  });
});

describe('compile options and metadata', () => {
  it('rejects an unknown top-level field at compile time when fields are known', () => {
    for (const src of ['<<.Nope>>', 'a <<$.Nope>>', '<<if .GroupBy>><<.Nope.x>><<end>>']) {
      assert.throws(
        () => compileTemplate(src, { name: 'q', fields: QUERY_FIELDS }),
        (err: unknown) =>
          err instanceof TemplateError && /can't evaluate field Nope/.test(err.message),
      );
    }
  });
  it('reports the position of a compile-time field error', () => {
    throwsTemplateError(
      () => compileTemplate('x\n  <<.Nope>>', { name: 'q', fields: ['A', 'B'] }),
      "template: q:2:4: at <.Nope>: can't evaluate field Nope in type struct (fields: A, B)",
    );
  });
  it('does not check fields of with/range bodies at compile time', () => {
    const tpl = compileTemplate('<<with .LabelValuesByName>><<.x>><<end>>', {
      fields: QUERY_FIELDS,
    });
    assert.equal(tpl.render({ LabelValuesByName: { x: 'y' } }), 'y');
  });
  it('lists the top-level fields referenced', () => {
    const cases: readonly [string, readonly string[]][] = [
      ['kube_<<.Group>>_<<.Resource>>', ['Group', 'Resource']],
      ['<<.Resource>>', ['Resource']],
      ['static', []],
      ['<<with .A>><<.B>><<end>><<range .C>><<.D>><<else>><<.E>><<end>>', ['A', 'C', 'E']],
      ['<<$.X.y>> <<$v := .Y>><<$v.Z>>', ['X', 'Y']],
      ['<<if false>><<.Hidden>><<end>>', ['Hidden']],
      ['<<define "d">><<.Inner>><<end>><<template "d" .Outer>>', ['Outer']],
    ];
    for (const [src, fields] of cases) {
      assert.deepEqual([...compileTemplate(src).fields].sort(), [...fields].sort(), src);
    }
  });
  it('uses "template" as the default name', () => {
    throwsTemplateError(() => compileTemplate('<<.X'), 'template: template:1: unclosed action');
  });
  it('keeps the builtin failure as the cause', () => {
    const tpl = compileTemplate('<<index .L 5>>');
    assert.throws(
      () => tpl.render({ L: [] }),
      (err: unknown) => err instanceof TemplateError && err.cause instanceof Error,
    );
  });
  it('is frozen and renders the same output on every call', () => {
    const tpl = compileTemplate('<<range $i, $v := .L>><<$i>><<$v>><<end>>');
    assert.ok(Object.isFrozen(tpl));
    assert.equal(tpl.render({ L: ['a', 'b'] }), '0a1b');
    assert.equal(tpl.render({ L: ['c'] }), '0c');
  });
  it('stops runaway template recursion', () => {
    const tpl = compileTemplate('<<define "r">><<template "r" .>><<end>><<template "r" .>>');
    assert.throws(() => tpl.render({}), /exceeded maximum template depth \(1000\)/);
  });
});

describe('documented deviations from Go', () => {
  it('prints integral float constants as ints', () => {
    assert.equal(render('<<1e6>> <<2.0>>'), '1000000 2');
  });
  it('rejects complex constants', () => {
    assert.throws(() => compileTemplate('<<1i>>'), /complex constants are not supported/);
  });
  it('formats numbers with float verbs as floats', () => {
    assert.equal(render('<<printf "%.1f" 2>>'), '2.0');
  });
});

describe('named templates', () => {
  it('lets the main template call itself by name', () => {
    const src = '<<if printf "%T" . | eq "struct">><<template "t" .S>><<else>>[<<.>>]<<end>>';
    assert.equal(compileTemplate(src, { name: 't' }).render({ S: 'x' }), '[x]');
  });
  it('uses a define of the main name when the main body is empty', () => {
    const tpl = compileTemplate('<<define "t">>(<<.A>>)<<end>>', { name: 't' });
    assert.equal(tpl.render({ A: 'x' }), '(x)');
  });
});
