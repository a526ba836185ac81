import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomProvider } from './custom.ts';
import { createQueryBatcher } from './batched.ts';
import { ApiError } from '../api/errors.ts';
import { fakeRule } from '../../test/support/fake-rule.ts';
import { fakeResourceInfo } from '../../test/support/fake-resource-map.ts';
import { buildIndex, contributionOf } from '../discovery/metric-index.ts';
import { shapesOf } from '../prometheus/series-shapes.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import { silentLogger } from '../log.ts';
import type { QueryResult } from '../prometheus/types.ts';

const NOW_MS = 1_700_000_000_000;
const POD = fakeResourceInfo('pods');
const NODE = fakeResourceInfo('nodes');
const DEPLOY = fakeResourceInfo('deployments');
const resources: ResourceMap = {
  resolve: (ref) =>
    [POD, NODE, DEPLOY].find(
      (r) =>
        (ref.group === undefined || ref.group === '' || ref.group === r.group) &&
        [r.resource, r.singular].includes(ref.resource.toLowerCase()),
    ),
  all: () => [POD, NODE, DEPLOY],
};

const rule = fakeRule({ seriesQuery: '{namespace!=""}', strip: /_total$/ });
const index = buildIndex(
  [
    contributionOf(
      rule,
      shapesOf([
        { name: 'hits_total', labels: { namespace: 'ns', pod: 'a' } },
        { name: 'hits_total', labels: { node: 'n1' } },
        { name: 'hits_total', labels: { namespace: 'ns', deployment: 'web' } },
      ]),
    ),
  ],
  0,
);

const vector = (samples: [string, string, number][]): QueryResult => ({
  type: 'vector',
  samples: samples.map(([label, name, value]) => ({
    labels: { [label]: name },
    timestamp: 1_700_000_000.5,
    value,
  })),
});

/** What every provider in this file shares. */
const common = { index: () => index, resources: () => resources, logger: silentLogger() };

const providerWith = (
  answers: Map<string, QueryResult | Error>,
  names: readonly string[] = ['a', 'b', 'c'],
) => {
  const asked: string[] = [];
  const provider = createCustomProvider({
    ...common,
    prometheus: {
      query: (q) => {
        asked.push(q);
        const a = answers.get(q);
        return a === undefined || a instanceof Error
          ? Promise.reject(a ?? new Error(`unexpected ${q}`))
          : Promise.resolve(a);
      },
    },
    listObjectNames: () => Promise.resolve(names),
    now: () => NOW_MS,
  });
  return { provider, asked };
};

const signal = new AbortController().signal;
const none = parseLabelSelector('');

describe('custom provider', () => {
  it('lists the index as discovery entries', () => {
    const { provider } = providerWith(new Map());
    assert.deepEqual(provider.listMetrics(), [
      { groupResource: 'deployments.apps', metric: 'hits', namespaced: true },
      { groupResource: 'namespaces', metric: 'hits', namespaced: false },
      { groupResource: 'nodes', metric: 'hits', namespaced: false },
      { groupResource: 'pods', metric: 'hits', namespaced: true },
    ]);
  });

  it('by selector: queries all names, keeps API order, skips names without samples', async () => {
    const q = 'sum(hits_total{namespace="ns",pod=~"a|b|c"}) by (pod)';
    const { provider, asked } = providerWith(
      new Map([
        [
          q,
          vector([
            ['pod', 'c', 2.5],
            ['pod', 'a', 0.016],
          ]),
        ],
      ]),
    );
    const got = await provider.getBySelector(
      {
        resource: 'pods',
        metric: 'hits',
        namespace: 'ns',
        metricSelector: none,
        selector: parseLabelSelector('app=x'),
      },
      signal,
    );
    assert.deepEqual(asked, [q]);
    assert.deepEqual(
      got.map((v) => [v.describedObject.name, v.value, v.timestamp]),
      [
        ['a', '16m', 1_700_000_000.5],
        ['c', '2500m', 1_700_000_000.5],
      ],
    );
    assert.deepEqual(got[0]?.describedObject, {
      kind: 'Pod',
      namespace: 'ns',
      name: 'a',
      apiVersion: 'v1',
    });
  });

  it('by name: resolves singular resources and group-qualified ones', async () => {
    const q = 'sum(hits_total{namespace="ns",deployment="web"}) by (deployment)';
    const { provider } = providerWith(new Map([[q, vector([['deployment', 'web', 1]])]]));
    const got = await provider.getByName(
      {
        resource: 'deployment.apps',
        metric: 'hits',
        namespace: 'ns',
        metricSelector: none,
        name: 'web',
      },
      signal,
    );
    assert.deepEqual(got.describedObject, {
      kind: 'Deployment',
      namespace: 'ns',
      name: 'web',
      apiVersion: 'apps/v1',
    });
    assert.equal(got.value, '1');
  });

  it('root-scoped objects have no namespace matcher and no namespace in the reference', async () => {
    const q = 'sum(hits_total{node="n1"}) by (node)';
    const { provider } = providerWith(new Map([[q, vector([['node', 'n1', Number.NaN]])]]));
    const got = await provider.getByName(
      { resource: 'nodes', metric: 'hits', namespace: '', metricSelector: none, name: 'n1' },
      signal,
    );
    assert.deepEqual(got.describedObject, { kind: 'Node', name: 'n1', apiVersion: 'v1' });
    assert.equal(got.value, '0', 'NaN becomes 0');
  });

  it('escapes hostile object names and selector values on the way into PromQL', async () => {
    const q = 'sum(hits_total{x="\\"}",namespace="ns",pod=~"a\\\\.b|c\\\\|d"}) by (pod)';
    const { provider, asked } = providerWith(new Map([[q, vector([])]]), ['a.b', 'c|d']);
    await provider.getBySelector(
      {
        resource: 'pods',
        metric: 'hits',
        namespace: 'ns',
        metricSelector: [{ key: 'x', operator: 'equals', values: ['"}'] }],
        selector: none,
      },
      signal,
    );
    assert.deepEqual(asked, [q]);
  });

  const errors: {
    name: string;
    run: (p: ReturnType<typeof providerWith>['provider']) => Promise<unknown>;
    code: number;
    message: string;
  }[] = [
    {
      name: 'unknown metric',
      run: (p) =>
        p.getByName(
          { resource: 'pods', metric: 'nope', namespace: 'ns', metricSelector: none, name: 'a' },
          signal,
        ),
      code: 404,
      message: 'the server could not find the metric nope for pods',
    },
    {
      name: 'namespaced metric asked root-scoped',
      run: (p) =>
        p.getByName(
          { resource: 'pods', metric: 'hits', namespace: '', metricSelector: none, name: 'a' },
          signal,
        ),
      code: 404,
      message: 'the server could not find the metric hits for pods',
    },
    {
      name: 'no sample for the object',
      run: (p) =>
        p.getByName(
          { resource: 'pods', metric: 'hits', namespace: 'ns', metricSelector: none, name: 'zz' },
          signal,
        ),
      code: 404,
      message: 'the server could not find the metric hits for pods zz',
    },
    {
      name: 'prometheus failure is a generic 500',
      run: (p) =>
        p.getByName(
          { resource: 'pods', metric: 'hits', namespace: 'ns', metricSelector: none, name: 'boom' },
          signal,
        ),
      code: 500,
      message: 'Internal error occurred: unable to fetch metrics',
    },
  ];
  for (const e of errors) {
    it(`errors: ${e.name}`, async () => {
      const { provider } = providerWith(
        new Map<string, QueryResult | Error>([
          ['sum(hits_total{namespace="ns",pod="zz"}) by (pod)', vector([['pod', 'other', 1]])],
          [
            'sum(hits_total{namespace="ns",pod="boom"}) by (pod)',
            new Error('connection refused: secret detail'),
          ],
        ]),
      );
      await assert.rejects(e.run(provider), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, e.code);
        assert.equal(err.message, e.message);
        return true;
      });
    });
  }

  it('an empty object list for * is NotFound', async () => {
    const { provider } = providerWith(new Map(), []);
    await assert.rejects(
      provider.getBySelector(
        { resource: 'pods', metric: 'hits', namespace: 'ns', metricSelector: none, selector: none },
        signal,
      ),
      /could not find the metric hits for pods$/,
    );
  });

  describe('identical requests over the same (coalesced) listing and answer', () => {
    const q = 'sum(hits_total{namespace="ns",pod=~"a|b|c"}) by (pod)';
    const request = {
      resource: 'pods',
      metric: 'hits',
      namespace: 'ns',
      metricSelector: none,
      selector: parseLabelSelector('app=x'),
    };
    const setup = () => {
      let answer = vector([['pod', 'a', 1]]);
      const dropped: number[] = [];
      let listing: readonly string[] = ['a', 'b', 'c'];
      const provider = createCustomProvider({
        index: () => index,
        resources: () => resources,
        prometheus: { query: (got) => Promise.resolve(got === q ? answer : vector([])) },
        listObjectNames: () => Promise.resolve(listing),
        now: () => NOW_MS,
        logger: silentLogger(),
        observer: {
          queried: () => undefined,
          dropped: (_rule, n) => dropped.push(n),
          nonFinite: () => undefined,
        },
      });
      return {
        provider,
        dropped,
        nextAnswer: (v: number) => {
          answer = vector([['pod', 'a', v]]);
        },
        nextListing: () => {
          listing = ['a', 'b', 'c'];
        },
      };
    };
    const cases: readonly {
      readonly name: string;
      readonly between: (s: ReturnType<typeof setup>) => void;
      readonly shared: boolean;
      readonly second: string;
    }[] = [
      { name: 'share one values array', between: () => undefined, shared: true, second: '1' },
      {
        name: 'a new answer (the next window) is served anew',
        between: (s) => {
          s.nextAnswer(2);
        },
        shared: false,
        second: '2',
      },
      {
        name: 'an equal but new listing is served anew',
        between: (s) => {
          s.nextListing();
        },
        shared: false,
        second: '1',
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const s = setup();
        const first = await s.provider.getBySelector(request, signal);
        c.between(s);
        const second = await s.provider.getBySelector(request, signal);
        assert.equal(second === first, c.shared);
        assert.deepEqual(
          second.map((v) => [v.describedObject.name, v.value]),
          [['a', c.second]],
        );
        // Rule health counts every request's dropped objects (b and c), shared or not.
        assert.deepEqual(s.dropped, [2, 2]);
      });
    }
  });
});

describe('custom provider with the query batcher', () => {
  it('answers each request with its own objects and reports how', async () => {
    let nowMs = 3_000_000;
    const asked: string[] = [];
    const outcomes: string[] = [];
    const byApp: Record<string, string[]> = { 'app=x': ['a'], 'app=y': ['b', 'c'] };
    const provider = createCustomProvider({
      ...common,
      prometheus: {
        // A stand-in for Prometheus: value 1 + the name's position, for the pods the query lists.
        query: (q) => {
          asked.push(q);
          const pods = /pod=~?"([^"]*)"/.exec(q)?.[1]?.split('|') ?? [];
          return Promise.resolve(vector(pods.map((p) => ['pod', p, 1 + 'abc'.indexOf(p)])));
        },
      },
      listObjectNames: (_info, _ns, selector) => Promise.resolve(byApp[selector] ?? []),
      now: () => nowMs,
      observer: {
        queried: () => undefined,
        dropped: () => undefined,
        nonFinite: () => undefined,
        batched: (_rule, outcome) => outcomes.push(outcome),
      },
      batcher: createQueryBatcher({ windowMs: 3000 }),
    });
    const ask = async (selector: string) =>
      (
        await provider.getBySelector(
          {
            resource: 'pods',
            metric: 'hits',
            namespace: 'ns',
            metricSelector: none,
            selector: parseLabelSelector(selector),
          },
          signal,
        )
      ).map((v) => [v.describedObject.name, v.value]);
    const steps: [number, string, string[][], string][] = [
      [0, 'app=x', [['a', '1']], 'batch'],
      [
        1,
        'app=y',
        [
          ['b', '2'],
          ['c', '3'],
        ],
        'not_covered',
      ],
      [
        3000,
        'app=y',
        [
          ['b', '2'],
          ['c', '3'],
        ],
        'batch',
      ],
      [3001, 'app=x', [['a', '1']], 'joined'],
    ];
    for (const [offset, selector, want, outcome] of steps) {
      nowMs = 3_000_000 + offset;
      assert.deepEqual(await ask(selector), want, selector);
      assert.equal(outcomes.at(-1), outcome, `${selector} at +${offset}`);
    }
    assert.deepEqual(asked, [
      'sum(hits_total{namespace="ns",pod="a"}) by (pod)',
      'sum(hits_total{namespace="ns",pod=~"b|c"}) by (pod)',
      'sum(hits_total{namespace="ns",pod=~"a|b|c"}) by (pod)',
    ]);
  });
});
