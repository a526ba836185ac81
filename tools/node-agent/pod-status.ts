import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1.js';

/** How a container run ended. */
export interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly signal?: number;
}

/** A container's current state as the agent sees it. */
export type RuntimeState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | {
      readonly kind: 'running';
      readonly startedAt: Date;
      readonly ready: boolean;
      readonly pid: number;
    }
  | ({ readonly kind: 'terminated' } & Terminated);

/** One container's runtime facts. */
export interface ContainerRuntime {
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: RuntimeState;
  readonly lastTerminated: Terminated | undefined;
  readonly restartCount: number;
}

/** The pod's runtime facts. */
export interface PodRuntime {
  readonly podIp: string | undefined;
  readonly hostIp: string;
  readonly startTime: Date;
  readonly networkReady: boolean;
  readonly containers: readonly ContainerRuntime[];
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const terminatedState = (t: Terminated, id: string): ContainerState => ({
  terminated: {
    exitCode: t.exitCode,
    reason: t.reason,
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
    containerID: id,
    ...(t.signal !== undefined ? { signal: t.signal } : {}),
  },
});

const containerStatus = (c: ContainerRuntime, uid: string): ContainerStatus => {
  const id = `k8spa://${uid}/${c.name}/${c.restartCount}`;
  const s = c.state;
  const state: ContainerState =
    s.kind === 'waiting'
      ? {
          waiting: { reason: s.reason, ...(s.message !== undefined ? { message: s.message } : {}) },
        }
      : s.kind === 'running'
        ? { running: { startedAt: iso(s.startedAt) } }
        : terminatedState(s, id);
  return {
    name: c.name,
    image: c.image,
    imageID: c.imageId,
    ready: s.kind === 'running' && s.ready,
    started: s.kind === 'running',
    restartCount: c.restartCount,
    state,
    lastState: c.lastTerminated ? terminatedState(c.lastTerminated, id) : {},
    ...(s.kind === 'waiting' ? {} : { containerID: id }),
  };
};

/** The pod phase by the kubelet's rules: pending containers → Pending; running → Running; else by restartPolicy. */
export const podPhase = (pod: Pod, containers: readonly ContainerRuntime[]): string => {
  let pending = 0;
  let running = 0;
  let failed = 0;
  for (const c of containers) {
    const ended =
      c.state.kind === 'terminated'
        ? c.state
        : c.state.kind === 'waiting'
          ? c.lastTerminated
          : undefined;
    if (c.state.kind === 'running') running++;
    else if (ended === undefined) pending++;
    else if (ended.exitCode !== 0) failed++;
  }
  if (pending > 0 || containers.length === 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (policy === 'OnFailure') return failed > 0 ? 'Running' : 'Succeeded';
  return failed > 0 ? 'Failed' : 'Succeeded';
};

const condition = (
  pod: Pod,
  type: string,
  ok: boolean,
  now: Date,
  reason?: string,
): PodCondition => {
  const status = ok ? 'True' : 'False';
  const prev = pod.status?.conditions?.find((c) => c.type === type);
  const since =
    prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : iso(now);
  return { type, status, lastTransitionTime: since, ...(ok || !reason ? {} : { reason }) };
};

/** The full pod status for the runtime facts; condition transition times carry over from `pod.status`. */
export const computePodStatus = (pod: Pod, rt: PodRuntime, now: Date): PodStatus => {
  const phase = podPhase(pod, rt.containers);
  const allReady =
    rt.containers.length > 0 &&
    rt.containers.every((c) => c.state.kind === 'running' && c.state.ready);
  const ready = allReady && phase === 'Running';
  const uid = pod.metadata?.uid ?? '';
  const ips = rt.podIp !== undefined ? { podIP: rt.podIp, podIPs: [{ ip: rt.podIp }] } : {};
  return {
    phase,
    conditions: [
      condition(pod, 'PodReadyToStartContainers', rt.networkReady, now),
      condition(pod, 'Initialized', true, now),
      condition(pod, 'Ready', ready, now, 'ContainersNotReady'),
      condition(pod, 'ContainersReady', ready, now, 'ContainersNotReady'),
      condition(pod, 'PodScheduled', true, now),
    ],
    hostIP: rt.hostIp,
    hostIPs: [{ ip: rt.hostIp }],
    ...ips,
    startTime: iso(rt.startTime),
    qosClass: pod.status?.qosClass ?? 'BestEffort',
    containerStatuses: rt.containers.map((c) => containerStatus(c, uid)),
  };
};
