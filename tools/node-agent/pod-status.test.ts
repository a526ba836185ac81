import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  computePodStatus,
  podPhase,
  type ContainerRuntime,
  type RuntimeState,
} from './pod-status.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:01:00Z');
const c = (state: RuntimeState, last?: number): ContainerRuntime => ({
  name: 'c',
  image: 'img',
  imageId: 'id',
  state,
  restartCount: last === undefined ? 0 : 1,
  lastTerminated:
    last === undefined
      ? undefined
      : { exitCode: last, reason: 'Error', startedAt: t0, finishedAt: t1 },
});
const running = (ready = true): RuntimeState => ({ kind: 'running', startedAt: t0, ready, pid: 1 });
const done = (exitCode: number): RuntimeState => ({
  kind: 'terminated',
  exitCode,
  reason: exitCode === 0 ? 'Completed' : 'Error',
  startedAt: t0,
  finishedAt: t1,
});
const waiting: RuntimeState = { kind: 'waiting', reason: 'ContainerCreating' };
const pod = (restartPolicy?: string): Pod => ({
  metadata: { name: 'p', uid: 'u' },
  spec: { containers: [], ...(restartPolicy ? { restartPolicy } : {}) },
});

test('podPhase follows the kubelet', () => {
  const table: [string, string | undefined, ContainerRuntime[], string][] = [
    ['no containers yet', undefined, [], 'Pending'],
    ['creating', undefined, [c(waiting)], 'Pending'],
    ['one running one creating', undefined, [c(running()), c(waiting)], 'Pending'],
    ['running', undefined, [c(running())], 'Running'],
    [
      'crash loop counts as running',
      'Always',
      [c({ kind: 'waiting', reason: 'CrashLoopBackOff' }, 1)],
      'Running',
    ],
    ['never + exit 0', 'Never', [c(done(0))], 'Succeeded'],
    ['never + exit 1', 'Never', [c(done(1)), c(done(0))], 'Failed'],
    ['onfailure + exit 0', 'OnFailure', [c(done(0))], 'Succeeded'],
    ['onfailure + exit 1 restarts', 'OnFailure', [c(done(1))], 'Running'],
  ];
  for (const [name, policy, containers, want] of table)
    assert.equal(podPhase(pod(policy), containers), want, name);
});

test('computePodStatus: IPs, readiness and conditions', () => {
  const rt = {
    podIp: '10.244.0.9',
    hostIp: '10.244.0.1',
    startTime: t0,
    networkReady: true,
    containers: [c(running(false))],
  };
  const s = computePodStatus(pod(), rt, t1);
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.0.9');
  assert.deepEqual(s.podIPs, [{ ip: '10.244.0.9' }]);
  const ready = s.conditions?.find((x) => x.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'ContainersNotReady');
  assert.equal(s.containerStatuses?.[0]?.ready, false);
  assert.equal(s.containerStatuses?.[0]?.state?.running?.startedAt, '2026-01-01T00:00:00Z');

  const later = new Date('2026-01-01T00:02:00Z');
  const readyStatus = computePodStatus(
    { ...pod(), status: s },
    { ...rt, containers: [c(running(true))] },
    later,
  );
  const r2 = readyStatus.conditions?.find((x) => x.type === 'Ready');
  assert.equal(r2?.status, 'True');
  assert.equal(r2?.lastTransitionTime, '2026-01-01T00:02:00Z');
  const sched = readyStatus.conditions?.find((x) => x.type === 'PodScheduled');
  assert.equal(
    sched?.lastTransitionTime,
    '2026-01-01T00:01:00Z',
    'unchanged condition keeps its transition time',
  );
});

test('computePodStatus reports waiting reasons and the last termination', () => {
  const rt = {
    podIp: undefined,
    hostIp: '10.244.0.1',
    startTime: t0,
    networkReady: false,
    containers: [c({ kind: 'waiting', reason: 'ErrImagePull', message: 'no mapping' }, 2)],
  };
  const s = computePodStatus(pod(), rt, t1);
  assert.equal(s.podIP, undefined);
  const cs = s.containerStatuses?.[0];
  assert.deepEqual(cs?.state, { waiting: { reason: 'ErrImagePull', message: 'no mapping' } });
  assert.equal(cs?.lastState?.terminated?.exitCode, 2);
  assert.equal(cs?.containerID, undefined);
});
