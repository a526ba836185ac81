import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeUsage, podUsage, toMilli, type UsageQueryContext } from './resource-usage.ts';
import { fakeResourceRules } from '../../test/support/resource-rules.ts';
import { silentLogger } from '../log.ts';
import type { QueryResult, QueryRoute, Sample } from '../prometheus/types.ts';

const vector = (...samples: Sample[]): QueryResult => ({ type: 'vector', samples });
const s = (labels: Record<string, string>, value: number, timestamp = 100): Sample => ({
  labels,
  value,
  timestamp,
});

/** Answers keyed by the exact query string; anything else fails the query. */
const context = (answers: ReadonlyMap<string, QueryResult | Error>) => {
  const asked: string[] = [];
  const routes = new Map<string, QueryRoute | undefined>();
  const ctx: UsageQueryContext = {
    prometheus: {
      query: (q, time, _signal, route) => {
        asked.push(q);
        routes.set(q, route);
        assert.equal(time, 1234.5);
        const a = answers.get(q);
        if (a === undefined) return Promise.reject(new Error(`unexpected ${q}`));
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
    },
    logger: silentLogger(),
    time: 1234.5,
    signal: new AbortController().signal,
  };
  return { ctx, asked, routes };
};

const rules = fakeResourceRules();
const CPU_PODS = 'cpu_c{namespace="ns",pod=~"a|b|c"} by (pod,container)';
const MEM_PODS = 'mem_c{namespace="ns",pod=~"a|b|c"} by (pod,container)';

describe('toMilli', () => {
  const cases: [number, bigint][] = [
    [0.5, 500n],
    [0.0005, 0n],
    [1048576, 1048576000n],
    [NaN, 0n],
    [-3, 0n],
    [Infinity, 0n],
    [-Infinity, 0n],
  ];
  for (const [value, want] of cases) {
    it(`${value} → ${want}`, () => {
      assert.equal(toMilli(value), want);
    });
  }
});

describe('podUsage', () => {
  it('one cpu and one memory query per namespace, grouped by pod and container', async () => {
    const { ctx, asked } = context(
      new Map([
        [
          CPU_PODS,
          vector(
            s({ pod: 'a', container: 'app' }, 0.5, 100),
            s({ pod: 'a', container: 'side' }, NaN, 99),
            s({ pod: 'b', container: 'app' }, 1, 100),
            s({ container: 'app' }, 9), // no pod label: ignored
          ),
        ],
        [
          MEM_PODS,
          vector(
            s({ pod: 'a', container: 'app' }, 1048576, 101),
            s({ pod: 'b', container: 'app' }, -5, 100),
            s({ pod: 'b' }, 7, 100),
            s({ pod: 'c', container: 'app' }, 500, 100),
          ),
        ],
      ]),
    );
    const got = await podUsage(ctx, rules, { namespace: 'ns', pods: ['a', 'b', 'c'] });
    assert.deepEqual(asked.sort(), [CPU_PODS, MEM_PODS]);
    assert.deepEqual(Object.fromEntries(got), {
      a: {
        timestamp: 99,
        containers: [
          { name: 'app', usage: { cpu: 500n, memory: 1048576000n } },
          { name: 'side', usage: { cpu: 0n, memory: 0n } },
        ],
      },
      b: {
        timestamp: 100,
        containers: [
          { name: '', usage: { cpu: 0n, memory: 7000n } },
          { name: 'app', usage: { cpu: 1000n, memory: 0n } },
        ],
      },
      // c has memory but no cpu: left out.
    });
  });

  it('a failing query leaves the whole namespace out', async () => {
    const { ctx } = context(
      new Map<string, QueryResult | Error>([
        [CPU_PODS, new Error('down')],
        [MEM_PODS, vector()],
      ]),
    );
    assert.equal((await podUsage(ctx, rules, { namespace: 'ns', pods: ['a', 'b', 'c'] })).size, 0);
  });

  it('a non-vector result counts as a failure', async () => {
    const { ctx } = context(
      new Map<string, QueryResult>([
        [CPU_PODS, { type: 'scalar', timestamp: 1, value: 1 }],
        [MEM_PODS, vector(s({ pod: 'a', container: 'x' }, 1))],
      ]),
    );
    assert.equal((await podUsage(ctx, rules, { namespace: 'ns', pods: ['a', 'b', 'c'] })).size, 0);
  });

  it('no pods, no queries', async () => {
    const { ctx, asked } = context(new Map());
    assert.equal((await podUsage(ctx, rules, { namespace: 'ns', pods: [] })).size, 0);
    assert.deepEqual(asked, []);
  });
});

describe('nodeUsage', () => {
  const CPU = 'cpu_n{node=~"n1|n2|n3"} by (node)';
  const MEM = 'mem_n{node=~"n1|n2|n3"} by (node)';

  it('one query pair for all nodes; the first sample per node; earliest timestamp', async () => {
    const { ctx, asked } = context(
      new Map([
        [
          CPU,
          vector(s({ node: 'n1' }, 2.5, 50), s({ node: 'n1' }, 9, 10), s({ node: 'n2' }, 0.25, 60)),
        ],
        [
          MEM,
          vector(
            s({ node: 'n1' }, 3 * 1024 ** 3, 40),
            s({ node: 'n2' }, NaN, 60),
            s({ node: 'n3' }, 1, 60),
          ),
        ],
      ]),
    );
    const got = await nodeUsage(ctx, rules, ['n1', 'n2', 'n3']);
    assert.deepEqual(asked.sort(), [CPU, MEM]);
    assert.deepEqual(Object.fromEntries(got), {
      n1: { timestamp: 40, usage: { cpu: 2500n, memory: 3n * 1024n ** 3n * 1000n } },
      n2: { timestamp: 60, usage: { cpu: 250n, memory: 0n } },
    });
  });

  it('a single node uses an equality matcher', async () => {
    const cpu = 'cpu_n{node="n1"} by (node)';
    const mem = 'mem_n{node="n1"} by (node)';
    const { ctx } = context(
      new Map([
        [cpu, vector(s({ node: 'n1' }, 1))],
        [mem, vector(s({ node: 'n1' }, 1))],
      ]),
    );
    assert.equal((await nodeUsage(ctx, rules, ['n1'])).size, 1);
  });

  it('a failing query gives no nodes', async () => {
    const { ctx } = context(
      new Map<string, QueryResult | Error>([
        [CPU, vector(s({ node: 'n1' }, 1))],
        [MEM, new Error('x')],
      ]),
    );
    assert.equal((await nodeUsage(ctx, rules, ['n1', 'n2', 'n3'])).size, 0);
  });
});

describe("resource queries go to each rule's backend", () => {
  const onBackends = {
    ...rules,
    cpu: { ...rules.cpu, backend: 'vm' },
  };
  const table: readonly {
    readonly name: string;
    readonly run: (ctx: UsageQueryContext) => Promise<unknown>;
    readonly want: Readonly<Record<string, QueryRoute>>;
  }[] = [
    {
      name: 'pods: the namespace picks the tenant',
      run: (ctx) => podUsage(ctx, onBackends, { namespace: 'ns', pods: ['a', 'b', 'c'] }),
      want: {
        [CPU_PODS]: { backend: 'vm', namespace: 'ns' },
        [MEM_PODS]: { backend: undefined, namespace: 'ns' },
      },
    },
    {
      name: 'nodes: root-scoped',
      run: (ctx) => nodeUsage(ctx, onBackends, ['n1']),
      want: {
        'cpu_n{node="n1"} by (node)': { backend: 'vm', namespace: undefined },
        'mem_n{node="n1"} by (node)': { backend: undefined, namespace: undefined },
      },
    },
  ];
  for (const row of table) {
    it(row.name, async () => {
      const { ctx, routes } = context(new Map());
      await row.run(ctx);
      assert.deepEqual(Object.fromEntries(routes), row.want);
    });
  }
});
