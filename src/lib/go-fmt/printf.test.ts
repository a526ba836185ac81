import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compileTemplate } from '../go-template/go-template.ts';
import { DATA } from '../../../test/support/template-data.ts';

/** Expected outputs produced by Go's text/template + fmt on the same templates and data. */
const PRINTF: readonly { readonly name: string; readonly tpl: string; readonly want: string }[] = [
  {
    name: 'basic verbs',
    tpl: '<<printf "%d %s %v %q %f %x %t %c %e %g" 42 "s" .GroupBySlice "q\\"" 1.5 255 true 65 1234.5678 0.000012>>',
    want: '42 s [resource extra groups] "q\\"" 1.500000 ff true A 1.234568e+03 1.2e-05',
  },
  {
    name: 'width and flags',
    tpl: '<<printf "%5s|%-5s|%.2s|%5.2f|%-4d|%04d|%+d|% d|%x|%X|%#x|%o|%b" "ab" "ab" "abcdef" 3.14159 7 7 5 5 "hi" 255 255 8 5>>',
    want: '   ab|ab   |ab| 3.14|7   |0007|+5| 5|6869|FF|0xff|10|101',
  },
  {
    name: 'star width and precision',
    tpl: '<<printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159>>',
    want: '    1|2   |3.14',
  },
  { name: 'argument index', tpl: '<<printf "%[2]d %[1]d" 1 2>>', want: '2 1' },
  {
    name: 'float rounding half to even',
    tpl: '<<printf "%.0f %.1f %.2f %.3e" 2.5 -1.25 1.005 1234.5>>',
    want: '2 -1.2 1.00 1.234e+03',
  },
  {
    name: 'float formats',
    tpl: '<<printf "%6.2e|%E|%G|%g|%08.2f|%-8.2f|" 1234.5678 0.5 1e-7 123456789.5 -3.14159 2.5>>',
    want: '1.23e+03|5.000000E-01|1E-07|1.234567895e+08|-0003.14|2.50    |',
  },
  {
    name: 'integer formats',
    tpl: '<<printf "%O|%#o|%#b|%x|%#X|%U|%#U|%q|%.3d" 8 8 5 -255 255 9731 9731 10 7>>',
    want: "0o10|010|0b101|-ff|0XFF|U+2603|U+2603 '☃'|'\\n'|007",
  },
  {
    name: 'string formats',
    tpl: '<<printf "%5.1s|%-6q|%#q|%+q|%x|% x|%#x|%X" "héllo" "a" "b`c" "é" "hé" "ab" "ab" "hé">>',
    want: '    h|"a"   |"b`c"|"\\u00e9"|68c3a9|61 62|0x6162|68C3A9',
  },
  {
    name: 'bad verbs',
    tpl: '<<printf "%d|%s|%d|%z" "x" 5 1.5 1>>',
    want: '%!d(string=x)|%!s(int=5)|%!d(float64=1.5)|%!z(int=1)',
  },
  {
    name: 'missing and extra',
    tpl: '<<printf "%d %d" 1>>|<<printf "%d" 1 2 "x">>|<<printf "%">>',
    want: '1 %!d(MISSING)|1%!(EXTRA int=2, string=x)|%!(NOVERB)',
  },
  {
    name: 'nil and no value',
    tpl: '<<printf "%s|%v|%d" nil .Any.missing nil>>',
    want: '%!s(<nil>)|<nil>|%!d(<nil>)',
  },
  {
    name: 'composite with verb',
    tpl: '<<printf "%q" .GroupBySlice>> <<printf "%d" .List>> <<printf "%v" .LabelValuesByName>>',
    want: '["resource" "extra" "groups"] [%!d(string=a) 2 %!d(float64=2.5) %!d(bool=false) [%!d(string=x)] map[%!d(string=k):%!d(string=v)]] map[namespace:default resource:bar|baz]',
  },
  {
    name: 'type verb',
    tpl: '<<printf "%T %T %T %T %T" 1 1.5 "s" .GroupBySlice .LabelValuesByName>>',
    want: 'int float64 string []string map[string]string',
  },
  { name: 'percent', tpl: '<<printf "100%%">>', want: '100%' },
  {
    name: 'quote escapes',
    tpl: '<<printf "%q" "a\\x00é\\U0001F600\\t\\"">>',
    want: '"a\\x00é😀\\t\\""',
  },
];

describe('printf (Go fmt.Sprintf)', () => {
  for (const c of PRINTF) {
    it(c.name, () => {
      assert.equal(compileTemplate(c.tpl).render(DATA), c.want);
    });
  }
});
