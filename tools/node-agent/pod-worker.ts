import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../src/log.ts';
import { ContainerRunner } from './container-runner.ts';
import { isNotFound } from './api-errors.ts';
import type { KeyLookup, PodFacts } from './env.ts';
import type { ImageHosts } from './images.ts';
import { netnsName, setUpPodNetwork, tearDownPodNetwork, type IpPool } from './pod-network.ts';
import { computePodStatus, type ContainerRuntime } from './pod-status.ts';
import { prepareVolumes, refreshVolumes, VolumeError, type VolumeData } from './volumes.ts';

/**
 * How often a running pod's ConfigMap and Secret volumes are brought up to date. The kubelet takes
 * a minute or so (sync period plus cache TTL); this agent is quicker so that tests stay short.
 */
const VOLUME_SYNC_MS = 5_000;

/** What every pod worker shares: node facts, API access and the IP pool. */
export interface NodeContext {
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly apiPort: number;
  readonly podsDir: string;
  readonly hostDirsRecord: string;
  readonly hosts: ImageHosts;
  readonly ipPool: IpPool;
  readonly volumeData: VolumeData;
  readonly lookup: (namespace: string) => KeyLookup;
  readonly pushStatus: (pod: Pod, status: object) => Promise<void>;
  readonly event: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  readonly log: Logger;
}

/** Directory of a pod's volumes and logs: `<podsDir>/<namespace>_<name>_<uid>`. */
export const podDirName = (pod: Pod): string =>
  `${pod.metadata?.namespace ?? 'default'}_${pod.metadata?.name ?? ''}_${pod.metadata?.uid ?? ''}`;

/** Brings one pod to life on this node and keeps its status true until it is torn down. */
export class PodWorker {
  readonly #ctx: NodeContext;
  readonly #log: Logger;
  #pod: Pod;
  #ip: string | undefined;
  #runners: ContainerRunner[] = [];
  #networkReady = false;
  #startTime = new Date();
  #stopping = false;
  /** Containers gone: no more status pushes (until then they go on, e.g. Ready=false while terminating). */
  #torn = false;
  #lastStatus = '';
  #pushQueued = false;
  /** Payload hash per file volume, as last written. */
  readonly #volumeHashes = new Map<string, string>();
  #volumeSync: NodeJS.Timeout | undefined;
  #volumeSyncs = 0;
  #volumeSyncing = false;

  constructor(pod: Pod, ctx: NodeContext) {
    this.#pod = pod;
    this.#ctx = ctx;
    this.#log = ctx.log.child({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    });
  }

  get pod(): Pod {
    return this.#pod;
  }

  /** Containers with a running process: name → root pid (for resource metrics). */
  runningPids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const r of this.#runners) {
      const pid = r.pid();
      if (pid !== undefined) pids.set(r.snapshot().name, pid);
    }
    return pids;
  }

  /** Takes a newer version of the pod object (status pushes use its conditions' history). */
  update(pod: Pod): void {
    this.#pod = pod;
  }

  #dir(): string {
    return join(this.#ctx.podsDir, podDirName(this.#pod));
  }

  #facts(): PodFacts {
    return {
      podIp: this.#ip ?? '',
      hostIp: this.#ctx.bridgeIp,
      apiHost: this.#ctx.bridgeIp,
      apiPort: this.#ctx.apiPort,
    };
  }

  /** Network, volumes (retried until they can be made), then every container. */
  async start(): Promise<void> {
    const uid = this.#pod.metadata?.uid ?? '';
    this.#ip = this.#ctx.ipPool.allocate();
    await setUpPodNetwork(this.#ctx.bridge, uid, this.#ip);
    if (this.#stopping) {
      await tearDownPodNetwork(this.#ctx.bridge, uid); // stop() ran while the network was being made
      return;
    }
    this.#networkReady = true;
    this.#log.info('pod network ready', { ip: this.#ip }, 1);
    this.#schedulePush();
    if ((this.#pod.spec?.initContainers ?? []).length > 0) {
      const msg = 'init containers are not supported by the local node agent; they were skipped';
      this.#ctx.event(this.#pod, 'Warning', 'InitContainersSkipped', msg);
    }
    const volumeDirs = await this.#volumes();
    if (volumeDirs === undefined || this.#stopping) return;
    const restarts = new Map(
      (this.#pod.status?.containerStatuses ?? []).map((s) => [s.name, s.restartCount]),
    );
    this.#runners = (this.#pod.spec?.containers ?? []).map(
      (c) =>
        new ContainerRunner(
          c,
          {
            pod: this.#pod,
            facts: this.#facts(),
            netns: netnsName(this.#ctx.bridge, uid),
            volumeDirs,
            logDir: join(this.#dir(), 'logs'),
            scratchDir: join(this.#dir(), 'image-volumes'),
            hostDirsRecord: this.#ctx.hostDirsRecord,
            hosts: this.#ctx.hosts,
            lookup: this.#ctx.lookup(this.#pod.metadata?.namespace ?? 'default'),
            log: this.#log,
            changed: () => {
              this.#schedulePush();
            },
            event: (type, reason, message) => {
              this.#ctx.event(this.#pod, type, reason, message);
            },
          },
          restarts.get(c.name) ?? 0,
        ),
    );
    for (const r of this.#runners) await r.start();
    this.#schedulePush();
    this.#volumeSync = setInterval(() => void this.#syncVolumes(), VOLUME_SYNC_MS);
    this.#volumeSync.unref();
  }

  /** One periodic update of the ConfigMap and Secret volumes (errors are logged, retried next time). */
  async #syncVolumes(): Promise<void> {
    if (this.#stopping || this.#volumeSyncing) return;
    this.#volumeSyncing = true;
    try {
      const updated = await refreshVolumes(
        {
          pod: this.#pod,
          facts: this.#facts(),
          podDir: this.#dir(),
          data: this.#ctx.volumeData,
        },
        this.#volumeHashes,
        ++this.#volumeSyncs,
      );
      if (updated.length > 0) this.#log.info('volumes updated', { volumes: updated }, 1);
    } catch (err) {
      this.#log.info('volume update failed', { err: (err as Error).message }, 1);
    } finally {
      this.#volumeSyncing = false;
    }
  }

  async #volumes(): Promise<Map<string, string> | undefined> {
    for (let attempt = 0; !this.#stopping; attempt++) {
      try {
        return await prepareVolumes(
          this.#pod,
          this.#facts(),
          this.#dir(),
          this.#ctx.volumeData,
          this.#volumeHashes,
        );
      } catch (err) {
        const message =
          err instanceof VolumeError
            ? err.message
            : `volume setup failed: ${(err as Error).message}`;
        if (attempt % 6 === 0)
          this.#ctx.event(
            this.#pod,
            'Warning',
            'FailedMount',
            `MountVolume.SetUp failed: ${message}`,
          );
        this.#log.info('volumes not ready', { err: message }, 2);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    return undefined;
  }

  /** Runtime facts of every container; before the runners exist, each is waiting in ContainerCreating. */
  #containers(): ContainerRuntime[] {
    if (this.#runners.length > 0) return this.#runners.map((r) => r.snapshot());
    const previous = this.#pod.status?.containerStatuses ?? [];
    return (this.#pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageId: '',
      state: { kind: 'waiting', reason: 'ContainerCreating' },
      lastTerminated: undefined,
      restartCount: previous.find((p) => p.name === c.name)?.restartCount ?? 0,
    }));
  }

  #schedulePush(): void {
    if (this.#pushQueued || this.#torn) return;
    this.#pushQueued = true;
    setTimeout(() => {
      this.#pushQueued = false;
      void this.pushStatus();
    }, 200);
  }

  /** Sends the current status if it changed since the last push. */
  async pushStatus(): Promise<void> {
    if (this.#torn) return;
    const status = computePodStatus(
      this.#pod,
      {
        podIp: this.#ip,
        hostIp: this.#ctx.bridgeIp,
        startTime: this.#startTime,
        networkReady: this.#networkReady,
        containers: this.#containers(),
      },
      new Date(),
    );
    const text = JSON.stringify(status);
    if (text === this.#lastStatus) return;
    try {
      await this.#ctx.pushStatus(this.#pod, status);
      this.#lastStatus = text;
    } catch (err) {
      this.#log.error('status update failed', { err });
      if (!isNotFound(err)) this.#schedulePush();
    }
  }

  /** Stops every container (SIGTERM, grace, SIGKILL), removes the network namespace and the pod directory. */
  async stop(graceSeconds: number): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#volumeSync);
    await Promise.all(this.#runners.map((r) => r.stop(graceSeconds)));
    this.#torn = true;
    await tearDownPodNetwork(this.#ctx.bridge, this.#pod.metadata?.uid ?? '');
    if (this.#ip !== undefined) this.#ctx.ipPool.release(this.#ip);
    await rm(this.#dir(), { recursive: true, force: true });
    this.#log.info('pod torn down', {}, 1);
  }
}
