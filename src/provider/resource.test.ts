import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResourceProvider } from './resource.ts';
import { fakeResourceRules } from '../../test/support/resource-rules.ts';
import { ApiError } from '../api/errors.ts';
import { parseFieldSelector } from '../kubernetes/field-selector.ts';
import { parseLabelSelector } from '../kubernetes/label-selector.ts';
import type { NodeMeta, PodMeta } from '../kubernetes/metadata-informers.ts';
import { silentLogger } from '../log.ts';
import type { QueryResult, Sample } from '../prometheus/types.ts';

const pod = (namespace: string, name: string, labels: Record<string, string> = {}): PodMeta => ({
  namespace,
  name,
  labels,
  creationTimestamp: '2024-01-01T00:00:00Z',
});

const cache = <T>(items: readonly T[], keyOf: (t: T) => string) => ({
  items: () => items,
  get: (key: string) => items.find((i) => keyOf(i) === key),
});

const PODS = [
  pod('web', 'b', { app: 'web' }),
  pod('db', 'x'),
  pod('web', 'a', { app: 'web' }),
  pod('web', 'c'),
];
const NODES: NodeMeta[] = [
  { name: 'n2', labels: { role: 'worker' } },
  { name: 'n1', labels: { role: 'control' } },
];

const usage = (labels: Record<string, string>, value: number, timestamp = 100): Sample => ({
  labels,
  value,
  timestamp,
});
const vector = (...samples: Sample[]): QueryResult => ({ type: 'vector', samples });

/** Every pod has cpu and memory except web/c; node n2 has no memory. */
const answer = (query: string): QueryResult | undefined => {
  const pods = /pod=~?"([^"]+)"/.exec(query)?.[1]?.split('|') ?? [];
  const nodes = /node=~?"([^"]+)"/.exec(query)?.[1]?.split('|') ?? [];
  const isCpu = query.startsWith('cpu');
  if (query.includes('_c{')) {
    return vector(
      ...pods
        .filter((p) => isCpu || p !== 'c')
        .map((p) => usage({ pod: p, container: 'app' }, isCpu ? 0.1 : 1024)),
    );
  }
  return vector(
    ...nodes.filter((n) => isCpu || n !== 'n2').map((n) => usage({ node: n }, isCpu ? 2 : 4096)),
  );
};

const setup = (options: { concurrency?: number } = {}) => {
  const asked: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const provider = createResourceProvider({
    pods: cache(PODS, (p) => `${p.namespace}/${p.name}`),
    nodes: cache(NODES, (n) => n.name),
    rules: () => fakeResourceRules(60_000),
    prometheus: {
      query: async (q) => {
        asked.push(q);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        const a = answer(q);
        if (a === undefined) throw new Error(`unexpected ${q}`);
        return a;
      },
    },
    now: () => 1_000_000,
    logger: silentLogger(),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  return { provider, asked, maxInFlight: () => maxInFlight };
};

const signal = new AbortController().signal;
const everything = parseLabelSelector('');
const noFields = parseFieldSelector('');

const rejectsWith = (code: number, message: string, details: unknown) => (err: unknown) => {
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, code);
  assert.equal(err.message, message);
  assert.deepEqual(err.details, details);
  return true;
};

describe('resource provider: pods', () => {
  it('lists all namespaces sorted, one query pair per namespace, pods without data omitted', async () => {
    const { provider, asked } = setup();
    const got = await provider.listPods('', everything, noFields, signal);
    assert.deepEqual(
      got.map((p) => `${p.namespace}/${p.name}`),
      ['db/x', 'web/a', 'web/b'],
    );
    assert.deepEqual(asked.sort(), [
      'cpu_c{namespace="db",pod="x"} by (pod,container)',
      'cpu_c{namespace="web",pod=~"a|b|c"} by (pod,container)',
      'mem_c{namespace="db",pod="x"} by (pod,container)',
      'mem_c{namespace="web",pod=~"a|b|c"} by (pod,container)',
    ]);
    assert.deepEqual(got[1], {
      name: 'a',
      namespace: 'web',
      labels: { app: 'web' },
      timestamp: 100,
      windowMs: 60_000,
      containers: [{ name: 'app', usage: { cpu: 100n, memory: 1024000n } }],
    });
  });

  const filters = [
    { name: 'namespace', ns: 'web', labels: '', fields: '', want: ['web/a', 'web/b'] },
    { name: 'label selector', ns: '', labels: 'app=web', fields: '', want: ['web/a', 'web/b'] },
    { name: 'label selector !=', ns: '', labels: 'app!=web', fields: '', want: ['db/x'] },
    { name: 'field metadata.name', ns: '', labels: '', fields: 'metadata.name=b', want: ['web/b'] },
    {
      name: 'field metadata.namespace',
      ns: '',
      labels: '',
      fields: 'metadata.namespace!=web',
      want: ['db/x'],
    },
    { name: 'nothing matches', ns: 'none', labels: '', fields: '', want: [] },
  ];
  for (const f of filters) {
    it(`filters by ${f.name}`, async () => {
      const { provider } = setup();
      const got = await provider.listPods(
        f.ns,
        parseLabelSelector(f.labels),
        parseFieldSelector(f.fields),
        signal,
      );
      assert.deepEqual(
        got.map((p) => `${p.namespace}/${p.name}`),
        f.want,
      );
    });
  }

  it('queries namespaces with bounded parallelism', async () => {
    const { provider, maxInFlight } = setup({ concurrency: 1 });
    await provider.listPods('', everything, noFields, signal);
    assert.equal(maxInFlight(), 2, 'one namespace at a time, its cpu and memory queries together');
  });

  it('gets one pod', async () => {
    const { provider } = setup();
    assert.equal((await provider.getPod('web', 'a', signal)).name, 'a');
  });

  it('404s a pod not in the cache, and a pod without metrics', async () => {
    const { provider } = setup();
    await assert.rejects(
      provider.getPod('web', 'zz', signal),
      rejectsWith(404, 'pods "zz" not found', { name: 'zz', kind: 'pods' }),
    );
    await assert.rejects(
      provider.getPod('web', 'c', signal),
      rejectsWith(404, 'podmetrics.metrics.k8s.io "web/c" not found', {
        name: 'web/c',
        group: 'metrics.k8s.io',
        kind: 'podmetrics',
      }),
    );
  });
});

describe('resource provider: nodes', () => {
  it('lists nodes sorted with one query pair; nodes without memory omitted', async () => {
    const { provider, asked } = setup();
    const got = await provider.listNodes(everything, noFields, signal);
    assert.deepEqual(got, [
      {
        name: 'n1',
        labels: { role: 'control' },
        timestamp: 100,
        windowMs: 60_000,
        usage: { cpu: 2000n, memory: 4096000n },
      },
    ]);
    assert.deepEqual(asked.sort(), [
      'cpu_n{node=~"n1|n2"} by (node)',
      'mem_n{node=~"n1|n2"} by (node)',
    ]);
  });

  it('filters nodes by labels and metadata.name', async () => {
    const { provider } = setup();
    assert.deepEqual(
      await provider.listNodes(parseLabelSelector('role=worker'), noFields, signal),
      [],
    );
    const byName = await provider.listNodes(
      everything,
      parseFieldSelector('metadata.name=n1'),
      signal,
    );
    assert.deepEqual(
      byName.map((n) => n.name),
      ['n1'],
    );
  });

  it('404s unknown nodes and nodes without metrics', async () => {
    const { provider } = setup();
    await assert.rejects(
      provider.getNode('n9', signal),
      rejectsWith(404, 'node "n9" not found', { name: 'n9', kind: 'node' }),
    );
    await assert.rejects(
      provider.getNode('n2', signal),
      rejectsWith(404, 'nodemetrics.metrics.k8s.io "n2" not found', {
        name: 'n2',
        group: 'metrics.k8s.io',
        kind: 'nodemetrics',
      }),
    );
    assert.equal((await provider.getNode('n1', signal)).name, 'n1');
  });
});
