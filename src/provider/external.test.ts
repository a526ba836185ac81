import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createExternalProvider, externalQuery, externalValues } from './external.ts';
import { ApiError } from '../api/errors.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';
import { buildIndex, contributionOf, type MetricIndex } from '../discovery/metric-index.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import { silentLogger } from '../log.ts';
import type { QueryResult } from '../prometheus/types.ts';

const NOW_MS = 1_700_000_000_000;

const queueRule = fakeRule({
  kind: 'external',
  seriesQuery: '{__name__="queue_depth"}',
  path: 'externalRules[0]',
});
const flatRule: CompiledRule = { ...queueRule, path: 'externalRules[1]', namespaced: false };
const noNamespaceLabel: CompiledRule = {
  ...queueRule,
  labelFor: () => {
    throw new Error('no generic resource label form specified for this metric');
  },
};

const indexOf = (rule: CompiledRule, seriesName = 'queue_depth'): MetricIndex =>
  buildIndex([contributionOf(rule, shapesOf([{ name: seriesName, labels: { queue: 'a' } }]))], 0);

/** Like upstream's fake client: answers keyed by the exact query string. */
const fakePrometheus = (answers: ReadonlyMap<string, QueryResult | Error>) => {
  const asked: { query: string; time: number }[] = [];
  return {
    asked,
    query: (query: string, time: number) => {
      asked.push({ query, time });
      const a = answers.get(query);
      if (a === undefined) return Promise.reject(new Error(`unexpected query ${query}`));
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  };
};

const provider = (index: MetricIndex, answers: ReadonlyMap<string, QueryResult | Error>) => {
  const prometheus = fakePrometheus(answers);
  const p = createExternalProvider({
    index: () => index,
    prometheus,
    now: () => NOW_MS,
    logger: silentLogger(),
  });
  return { p, prometheus };
};

const signal = new AbortController().signal;
const entry = (rule: CompiledRule) => indexOf(rule).findExternal('queue_depth')!;

describe('external query building', () => {
  const cases = [
    {
      name: 'namespaced rule, request namespace → selector matchers then the namespace matcher',
      rule: queueRule,
      namespace: 'work',
      selector: 'queue=a,tier in (x,y)',
      want: 'sum(queue_depth{queue="a",tier=~"x|y",namespace="work"}) by ()',
    },
    {
      name: 'namespaced: false drops the namespace matcher',
      rule: flatRule,
      namespace: 'work',
      selector: 'queue=a',
      want: 'sum(queue_depth{queue="a"}) by ()',
    },
    {
      name: 'an empty namespace adds no matcher',
      rule: queueRule,
      namespace: '',
      selector: '',
      want: 'sum(queue_depth{}) by ()',
    },
    {
      name: 'selector values are escaped',
      rule: flatRule,
      namespace: 'work',
      selector: 'queue in (a.b)',
      want: 'sum(queue_depth{queue=~"a\\\\.b"}) by ()',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const request = {
        namespace: c.namespace,
        metric: 'queue_depth',
        selector: parseLabelSelector(c.selector),
      };
      assert.equal(externalQuery(entry(c.rule), request), c.want);
    });
  }
});

describe('external result conversion', () => {
  const sample = (value: number, labels: Record<string, string> = { queue: 'a' }) => ({
    labels,
    timestamp: 1700000000.5,
    value,
  });
  const cases: { name: string; result: QueryResult; want: unknown }[] = [
    {
      name: 'scalar → one item with null labels',
      result: { type: 'scalar', timestamp: 1700000001, value: 2.5 },
      want: [{ metricName: 'm', metricLabels: null, timestamp: 1700000001, value: '2500m' }],
    },
    {
      name: 'vector → an item per sample with its labels and timestamp',
      result: {
        type: 'vector',
        samples: [sample(10), sample(0.016, { queue: 'b', __name__: 'x' })],
      },
      want: [
        { metricName: 'm', metricLabels: { queue: 'a' }, timestamp: 1700000000.5, value: '10' },
        {
          metricName: 'm',
          metricLabels: { queue: 'b', __name__: 'x' },
          timestamp: 1700000000.5,
          value: '16m',
        },
      ],
    },
    { name: 'empty vector → no items', result: { type: 'vector', samples: [] }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(externalValues('m', c.result), c.want);
    });
  }

  const values = [
    { value: NaN, want: '0' },
    { value: Infinity, want: '9223372036854775807m' },
    { value: -Infinity, want: '-9223372036854775808m' },
    { value: 1e20, want: '100E' },
    { value: 2000, want: '2k' },
    { value: -0.5, want: '-500m' },
  ];
  for (const v of values) {
    it(`value ${v.value} → ${v.want} (never an overflowed int64)`, () => {
      const [item] = externalValues('m', { type: 'vector', samples: [sample(v.value)] });
      assert.equal(item?.value, v.want);
    });
  }

  it('matrix → 500 with an empty reason and upstream text', () => {
    assert.throws(
      () => externalValues('m', { type: 'matrix', seriesCount: 2 }),
      (err: unknown) =>
        err instanceof ApiError &&
        err.code === 500 &&
        err.reason === '' &&
        err.message === 'encountered an unexpected query result type',
    );
  });
});

describe('external provider', () => {
  const vector: QueryResult = {
    type: 'vector',
    samples: [{ labels: { queue: 'a' }, timestamp: 1, value: 7 }],
  };

  it('lists the external metrics of the index', () => {
    const { p } = provider(indexOf(queueRule), new Map());
    assert.deepEqual(p.listMetrics(), ['queue_depth']);
  });

  it('queries at now and returns the values', async () => {
    const q = 'sum(queue_depth{namespace="work"}) by ()';
    const { p, prometheus } = provider(indexOf(queueRule), new Map([[q, vector]]));
    const got = await p.get({ namespace: 'work', metric: 'queue_depth', selector: [] }, signal);
    assert.deepEqual(got, [
      { metricName: 'queue_depth', metricLabels: { queue: 'a' }, timestamp: 1, value: '7' },
    ]);
    assert.deepEqual(prometheus.asked, [{ query: q, time: NOW_MS / 1000 }]);
  });

  const failures = [
    {
      name: 'unknown metric → 404 `for namespaces` (for any namespace)',
      index: indexOf(queueRule),
      request: { namespace: 'other', metric: 'nope', selector: [] },
      code: 404,
      message: 'the server could not find the metric nope for namespaces',
    },
    {
      name: 'Prometheus failure → 500 unable to fetch metrics',
      index: indexOf(queueRule),
      request: { namespace: 'boom', metric: 'queue_depth', selector: [] },
      code: 500,
      message: 'Internal error occurred: unable to fetch metrics',
    },
    {
      name: 'namespace label not resolvable → 500 unable to fetch metrics',
      index: indexOf(noNamespaceLabel),
      request: { namespace: 'work', metric: 'queue_depth', selector: [] },
      code: 500,
      message: 'Internal error occurred: unable to fetch metrics',
    },
    {
      name: 'selector operator Prometheus cannot express → 500 unable to fetch metrics',
      index: indexOf(flatRule),
      request: { namespace: 'work', metric: 'queue_depth', selector: parseLabelSelector('a>1') },
      code: 500,
      message: 'Internal error occurred: unable to fetch metrics',
    },
  ];
  for (const f of failures) {
    it(f.name, async () => {
      const answers = new Map([['sum(queue_depth{namespace="boom"}) by ()', new Error('down')]]);
      const { p } = provider(f.index, answers);
      await assert.rejects(
        p.get(f.request, signal),
        (err: unknown) =>
          err instanceof ApiError && err.code === f.code && err.message === f.message,
      );
    });
  }
});
