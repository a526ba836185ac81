import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildIndex, contributionOf } from './metric-index.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';
import type { Series } from '../prometheus/types.ts';

const series = (name: string, labels: Record<string, string>): Series => ({ name, labels });

describe('metric index', () => {
  const rule = fakeRule({ seriesQuery: '{namespace!=""}', strip: /_total$/ });

  it('lists one entry per (resource, metric) with upstream namespacing', () => {
    const c = contributionOf(
      rule,
      shapesOf([
        series('http_requests_total', { namespace: 'a', pod: 'p1', instance: 'x' }),
        series('http_requests_total', { namespace: 'a', pod: 'p2', instance: 'y' }),
        series('node_load_total', { node: 'n1' }),
      ]),
    );
    const index = buildIndex([c], 1);
    const got = index.listCustom().map((e) => [e.groupResource.resource, e.metric, e.namespaced]);
    assert.deepEqual(got, [
      ['namespaces', 'http_requests', false],
      ['nodes', 'node_load', false],
      ['pods', 'http_requests', true],
    ]);
    assert.equal(
      index.findCustom({ group: '', resource: 'pods' }, true, 'http_requests')?.seriesName,
      'http_requests_total',
    );
    assert.equal(
      index.findCustom({ group: '', resource: 'pods' }, false, 'http_requests'),
      undefined,
    );
  });

  it('leaves out series names that are not PromQL identifiers (Prometheus 3 UTF-8 names)', () => {
    // Shrunk counterexamples of test/hostile/injection.property.test.ts: pasted by
    // `<<.Series>>{…}` they made `sum(rate("_total{…}[1m]))`, or injected `or vector(1)`.
    const c = contributionOf(
      rule,
      shapesOf([
        series('"_total', { namespace: 'n', pod: 'p' }),
        series('x{a="b"} or vector(1) #', { namespace: 'n', pod: 'p' }),
        series('my.metric_total', { namespace: 'n', pod: 'p' }),
        series('ok:name_total', { namespace: 'n', pod: 'p' }),
      ]),
    );
    assert.deepEqual(
      c.custom.map((e) => e.seriesName),
      ['ok:name_total', 'ok:name_total'],
    );
  });

  it('keeps only what requests need: size does not grow with series per metric', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      series('http_requests_total', { namespace: `ns${i % 7}`, pod: `p${i}` }),
    );
    const c = contributionOf(rule, shapesOf(many));
    assert.equal(c.custom.length, 2); // pods and namespaces, not 5000 entries
  });

  it('later rules overwrite earlier ones for the same metric, as upstream', () => {
    const first = fakeRule({ seriesQuery: 'a', path: 'rules[0]' });
    const second = fakeRule({ seriesQuery: 'b', path: 'rules[1]' });
    const s = shapesOf([series('m', { pod: 'p' })]);
    const index = buildIndex([contributionOf(first, s), contributionOf(second, s)], 1);
    assert.equal(
      index.findCustom({ group: '', resource: 'pods' }, true, 'm')?.rule.path,
      'rules[1]',
    );
  });

  it('indexes external rules by metric name only', () => {
    const ext = fakeRule({ kind: 'external', seriesQuery: 'q', strip: /_total$/ });
    const index = buildIndex(
      [contributionOf(ext, shapesOf([series('queue_total', { queue: 'x' })]))],
      1,
    );
    assert.equal(index.findExternal('queue')?.seriesName, 'queue_total');
    assert.deepEqual(index.listCustom(), []);
  });

  it('skips series the rule filters out', () => {
    const c = contributionOf(rule, shapesOf([series('gauge', { pod: 'p' })]));
    assert.deepEqual(c.custom, []);
  });
});
