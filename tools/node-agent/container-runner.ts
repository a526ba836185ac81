import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../src/log.ts';
import { startContainer, type ContainerProcess } from './container-process.ts';
import { buildEnv, expandRefs, type KeyLookup, type PodFacts } from './env.ts';
import { containerArgv, mapImage, type ImageHosts } from './images.ts';
import { ensureMountPoints, imageVolumeMounts, resolveMounts } from './mounts.ts';
import type { ContainerRuntime, RuntimeState, Terminated } from './pod-status.ts';
import { nextVerdict, runProbe, type ProbeVerdict } from './probes.ts';
import { backoffSeconds, shouldRestart, terminationReason } from './restart-backoff.ts';

/** Everything a container run needs from its pod. */
export interface ContainerContext {
  readonly pod: Pod;
  readonly facts: PodFacts;
  readonly netns: string;
  readonly volumeDirs: ReadonlyMap<string, string>;
  readonly logDir: string;
  /** Per-pod directory for the containers' image VOLUMEs. */
  readonly scratchDir: string;
  readonly hostDirsRecord: string;
  readonly hosts: ImageHosts;
  readonly lookup: KeyLookup;
  readonly log: Logger;
  /** Called on every state change (the pod worker then pushes status). */
  readonly changed: () => void;
  /** Records an Event on the pod. */
  readonly event: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

/** Runs one container: start, readiness/liveness probes, restarts with back-off, stop. */
export class ContainerRunner {
  readonly #c: Container;
  readonly #ctx: ContainerContext;
  #state: RuntimeState = { kind: 'waiting', reason: 'ContainerCreating' };
  #last: Terminated | undefined;
  #restarts = 0;
  #proc: ContainerProcess | undefined;
  #stopped = false;
  #imageId = '';
  #timers = new Set<NodeJS.Timeout>();

  constructor(container: Container, ctx: ContainerContext, restartCount: number) {
    this.#c = container;
    this.#ctx = ctx;
    this.#restarts = restartCount;
  }

  /** Current runtime facts for the pod status. */
  snapshot(): ContainerRuntime {
    const image = this.#c.image ?? '';
    return {
      name: this.#c.name,
      image,
      imageId: this.#imageId,
      state: this.#state,
      lastTerminated: this.#last,
      restartCount: this.#restarts,
    };
  }

  /** Root pid of the running process, if any (for resource metrics). */
  pid(): number | undefined {
    return this.#state.kind === 'running' ? this.#state.pid : undefined;
  }

  #set(state: RuntimeState): void {
    this.#state = state;
    this.#ctx.changed();
  }

  #later(seconds: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) fn();
    }, seconds * 1000);
    this.#timers.add(t);
  }

  /** Starts the container (or records why it cannot start). Never throws. */
  async start(): Promise<void> {
    const { pod, facts, log } = this.#ctx;
    const local = mapImage(this.#c.image ?? '', this.#ctx.hosts);
    if (local === undefined) {
      const msg = `image "${this.#c.image ?? ''}" has no local mapping (this node runs only prom/prometheus, the adapter images, luxas/autoscale-demo, busybox and, when built, victoriametrics/victoria-metrics and thanos)`;
      this.#ctx.event('Warning', 'Failed', `Failed to pull image "${this.#c.image ?? ''}": ${msg}`);
      this.#set({ kind: 'waiting', reason: 'ErrImagePull', message: msg });
      this.#later(10, () => {
        this.#set({ kind: 'waiting', reason: 'ImagePullBackOff', message: msg });
      });
      return;
    }
    this.#imageId = local.imageId;
    try {
      const env = await buildEnv(pod, this.#c, facts, this.#ctx.lookup);
      const argv = containerArgv(local, this.#c.command, this.#c.args).map((a) =>
        expandRefs(a, env),
      );
      const declared = resolveMounts(this.#c, this.#ctx.volumeDirs);
      const anonymous = imageVolumeMounts(
        local.volumes,
        declared,
        join(this.#ctx.scratchDir, this.#c.name),
      );
      for (const m of anonymous) await mkdir(m.source, { recursive: true });
      const mounts = [...declared, ...anonymous].sort(
        (a, b) => a.target.split('/').length - b.target.split('/').length,
      );
      await ensureMountPoints(mounts, this.#ctx.hostDirsRecord);
      await mkdir(this.#ctx.logDir, { recursive: true });
      if (this.#stopped) return;
      const proc = startContainer({
        argv,
        env,
        netns: this.#ctx.netns,
        mounts,
        workingDir: this.#c.workingDir ?? local.workingDir,
        hostname: pod.metadata?.name ?? 'pod',
        logFile: join(this.#ctx.logDir, `${this.#c.name}.log`),
      });
      this.#proc = proc;
      log.info('container started', { container: this.#c.name, pid: proc.pid, argv }, 2);
      this.#ctx.event('Normal', 'Started', `Started container ${this.#c.name}`);
      this.#set({
        kind: 'running',
        startedAt: proc.startedAt,
        ready: this.#c.readinessProbe === undefined,
        pid: proc.pid,
      });
      this.#probe(this.#c.readinessProbe, 'readiness', proc);
      this.#probe(this.#c.livenessProbe, 'liveness', proc);
      void proc.exited.then((info) => {
        this.#exited(proc, info.exitCode, info.finishedAt);
      });
    } catch (err) {
      log.error('container failed to start', { container: this.#c.name, err });
      this.#ctx.event('Warning', 'Failed', `Error: ${(err as Error).message}`);
      this.#set({
        kind: 'waiting',
        reason: 'CreateContainerConfigError',
        message: (err as Error).message,
      });
      this.#later(10, () => void this.start());
    }
  }

  #exited(proc: ContainerProcess, exitCode: number, finishedAt: Date): void {
    if (this.#proc !== proc) return;
    this.#proc = undefined;
    const ended: Terminated = {
      exitCode,
      reason: terminationReason(exitCode),
      startedAt: proc.startedAt,
      finishedAt,
    };
    this.#ctx.log.info('container exited', { container: this.#c.name, exitCode }, 1);
    if (this.#stopped || !shouldRestart(this.#ctx.pod.spec?.restartPolicy, exitCode)) {
      this.#set({ kind: 'terminated', ...ended });
      return;
    }
    this.#last = ended;
    const ran = (finishedAt.getTime() - proc.startedAt.getTime()) / 1000;
    const delay = backoffSeconds(this.#restarts, ran);
    this.#set({
      kind: 'waiting',
      reason: delay > 0 ? 'CrashLoopBackOff' : 'ContainerCreating',
      ...(delay > 0
        ? { message: `back-off ${delay}s restarting failed container=${this.#c.name}` }
        : {}),
    });
    if (delay > 0)
      this.#ctx.event('Warning', 'BackOff', `Back-off restarting failed container ${this.#c.name}`);
    this.#later(delay, () => {
      this.#restarts++;
      void this.start();
    });
  }

  #probe(probe: Probe | undefined, kind: 'readiness' | 'liveness', proc: ContainerProcess): void {
    if (probe === undefined) return;
    let verdict: ProbeVerdict = { ok: kind === 'liveness', streak: 0 };
    const tick = async () => {
      if (this.#proc !== proc || this.#stopped) return;
      const ok = await runProbe(probe, this.#c, this.#ctx.facts.podIp, proc.pid);
      if (this.#proc !== proc || this.#stopped) return;
      const next = nextVerdict(probe, verdict, ok);
      if (next.ok !== verdict.ok) this.#verdictChanged(kind, next.ok, proc);
      verdict = next;
      this.#later(probe.periodSeconds ?? 10, () => void tick());
    };
    this.#later(probe.initialDelaySeconds ?? 0, () => void tick());
  }

  #verdictChanged(kind: 'readiness' | 'liveness', ok: boolean, proc: ContainerProcess): void {
    if (kind === 'readiness' && this.#state.kind === 'running') {
      this.#set({ ...this.#state, ready: ok });
      if (!ok)
        this.#ctx.event(
          'Warning',
          'Unhealthy',
          `Readiness probe failed for container ${this.#c.name}`,
        );
      return;
    }
    if (kind === 'liveness' && !ok) {
      this.#ctx.event(
        'Normal',
        'Killing',
        `Container ${this.#c.name} failed liveness probe, will be restarted`,
      );
      void proc.stop(this.#ctx.pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
  }

  /** Stops the container for good (pod deletion): SIGTERM, then SIGKILL after the grace period. */
  async stop(graceSeconds: number): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const proc = this.#proc;
    if (proc === undefined) return;
    this.#probeWhileTerminating(proc);
    await proc.stop(graceSeconds);
  }

  /**
   * As the kubelet: the readiness probe goes on during the grace period, so a container that
   * fails it (e.g. an apiserver's /readyz after SIGTERM) turns the pod's Ready condition false.
   */
  #probeWhileTerminating(proc: ContainerProcess): void {
    const probe = this.#c.readinessProbe;
    if (probe === undefined) return;
    let gone = false;
    void proc.exited.then(() => (gone = true));
    let verdict: ProbeVerdict = {
      ok: this.#state.kind === 'running' && this.#state.ready,
      streak: 0,
    };
    const tick = async () => {
      if (gone || this.#proc !== proc) return;
      const ok = await runProbe(probe, this.#c, this.#ctx.facts.podIp, proc.pid);
      if (gone || this.#proc !== proc) return;
      const next = nextVerdict(probe, verdict, ok);
      if (next.ok !== verdict.ok && this.#state.kind === 'running')
        this.#set({ ...this.#state, ready: next.ok });
      verdict = next;
      setTimeout(() => void tick(), (probe.periodSeconds ?? 10) * 1000).unref();
    };
    void tick();
  }
}
