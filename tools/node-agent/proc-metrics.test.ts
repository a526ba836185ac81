import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseNodeCpu,
  parseNodeMemory,
  parseProcStat,
  treeUsage,
  type ProcSample,
} from './proc-stats.ts';
import { renderResourceMetrics } from './resource-metrics.ts';

test('parseProcStat handles spaces and parentheses in the command name', () => {
  const fields = [
    'S',
    '1',
    ...Array.from({ length: 9 }, () => '0'),
    '100',
    '50',
    '30',
    '20',
    ...Array.from({ length: 6 }, () => '0'),
    '256',
  ];
  const s = parseProcStat(42, `42 (my (odd) cmd) ${fields.join(' ')}`);
  assert.deepEqual(s, { pid: 42, ppid: 1, cpuSeconds: 2, rssBytes: 256 * 4096 });
  assert.equal(parseProcStat(1, 'garbage'), undefined);
});

test('treeUsage sums a process and its descendants only', () => {
  const p = (pid: number, ppid: number, cpu: number): [number, ProcSample] => [
    pid,
    { pid, ppid, cpuSeconds: cpu, rssBytes: cpu * 10 },
  ];
  const table = new Map([p(10, 1, 1), p(11, 10, 2), p(12, 11, 4), p(20, 1, 8)]);
  assert.deepEqual(treeUsage(table, 10), { cpuSeconds: 7, rssBytes: 70 });
  assert.deepEqual(treeUsage(table, 99), { cpuSeconds: 0, rssBytes: 0 });
});

test('node cpu and memory from /proc/stat and /proc/meminfo', () => {
  assert.equal(parseNodeCpu('cpu  100 10 50 1000 5 3 2 1 0 0\ncpu0 1 2 3\n'), 1.66);
  assert.equal(
    parseNodeMemory('MemTotal:       1000 kB\nMemFree: 100 kB\nMemAvailable:    600 kB\n'),
    400 * 1024,
  );
});

test('renderResourceMetrics writes the kubelet families with pod sums', () => {
  const text = renderResourceMetrics({ cpuSeconds: 12.5, memoryBytes: 1000 }, [
    {
      namespace: 'ns',
      pod: 'p',
      container: 'a',
      cpuSeconds: 1,
      memoryBytes: 10,
      startTime: new Date(5000),
    },
    {
      namespace: 'ns',
      pod: 'p',
      container: 'b',
      cpuSeconds: 2,
      memoryBytes: 20,
      startTime: new Date(5000),
    },
  ]);
  assert.match(text, /^# TYPE container_cpu_usage_seconds_total counter$/m);
  assert.match(
    text,
    /^container_cpu_usage_seconds_total\{container="a",namespace="ns",pod="p"\} 1$/m,
  );
  assert.match(
    text,
    /^container_memory_working_set_bytes\{container="b",namespace="ns",pod="p"\} 20$/m,
  );
  assert.match(text, /^container_start_time_seconds\{container="a",namespace="ns",pod="p"\} 5$/m);
  assert.match(text, /^node_cpu_usage_seconds_total 12.5$/m);
  assert.match(text, /^node_memory_working_set_bytes 1000$/m);
  assert.match(text, /^pod_cpu_usage_seconds_total\{namespace="ns",pod="p"\} 3$/m);
  assert.match(text, /^pod_memory_working_set_bytes\{namespace="ns",pod="p"\} 30$/m);
  assert.match(text, /^scrape_error 0$/m);
});
