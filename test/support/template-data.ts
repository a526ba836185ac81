/**
 * Shared data for the template tests. Expected outputs and error texts in the test tables were
 * produced by Go's text/template (`template.New("t").Delims("<<", ">>")`) executing the same
 * templates on a struct with the same fields as DATA (Go prints `main.Data` where we print
 * `struct`).
 */
import type { TemplateData } from '../../src/lib/go-template/go-template.ts';

export const DATA: TemplateData = {
  Series: 'http_requests_total',
  LabelMatchers: 'namespace="default",pod=~"a|b"',
  LabelValuesByName: { resource: 'bar|baz', namespace: 'default' },
  GroupBy: 'pod',
  GroupBySlice: ['resource', 'extra', 'groups'],
  Empty: [],
  EmptyMap: {},
  N: 42,
  Zero: 0,
  F: 1.5,
  B: true,
  Any: { s: 'x', n: 3, l: ['a', 1, true], m: { z: 1, a: 'b' } },
  List: ['a', 2, 2.5, false, ['x'], { k: 'v' }],
  Nested: { b: ['1', '2'], a: [] },
  Str: 'héllo wörld',
};
