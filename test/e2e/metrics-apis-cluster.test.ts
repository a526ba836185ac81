import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity, QuantityError } from '../../src/kubernetes/quantity.ts';
import { parseTop } from './metrics-apis-cluster.ts';

test('parseQuantity reads the suffixes the metrics APIs use', () => {
  const table: [string, number][] = [
    ['1500m', 1.5],
    ['2', 2],
    ['0', 0],
    ['3k', 3000],
    ['64Mi', 64 * 1024 * 1024],
    ['250u', 0.00025],
  ];
  for (const [q, want] of table) assert.equal(parseQuantity(q), want, q);
  assert.throws(() => parseQuantity('1.5x'), QuantityError);
});

test('parseTop reads kubectl top nodes and top pods -A output', () => {
  const nodes = [
    'NAME             CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ',
    'k8spa-e2e-node   1994m        99%      2008Mi          8%          ',
    '',
  ].join('\n');
  assert.deepEqual(parseTop(nodes, 1, 3), [
    { names: ['k8spa-e2e-node'], cpu: 1.994, memory: 2008 * 1024 ** 2 },
  ]);
  const pods = [
    'NAMESPACE   NAME                            CPU(cores)   MEMORY(bytes)   ',
    'default     cpu-burner-597fc88f58-v5tnz     1m           41Mi            ',
    'prom        prometheus-f945c9dfd-cnppq      0m           168Mi           ',
  ].join('\n');
  assert.deepEqual(
    parseTop(pods, 2, 3).map((r) => [r.names.join('/'), r.cpu, r.memory / 1024 ** 2]),
    [
      ['default/cpu-burner-597fc88f58-v5tnz', 0.001, 41],
      ['prom/prometheus-f945c9dfd-cnppq', 0, 168],
    ],
  );
  assert.deepEqual(parseTop('NAME   CPU(cores)   MEMORY(bytes)\n', 1, 2), []);
  assert.throws(() => parseTop('NAME CPU MEM\nx <unknown> 1Mi', 1, 2), /not a quantity/);
});
