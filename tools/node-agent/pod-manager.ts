import type { Pod, PodList } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../src/log.ts';
import type { KubeClient, WatchEvent } from '../../src/kubernetes/client.ts';
import { KubernetesError } from '../../src/kubernetes/kubernetes-error.ts';
import { isNotFound } from './api-errors.ts';
import { PodWorker, type NodeContext } from './pod-worker.ts';

type Event = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

const key = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * Keeps the pods of this node running: watches every pod, binds unscheduled ones to this node (the
 * agent is the scheduler too), starts a PodWorker per bound pod and, when a pod is being deleted,
 * stops it and removes the object (grace 0), as the kubelet does.
 */
export class PodManager {
  readonly #client: KubeClient;
  readonly #ctx: NodeContext;
  readonly #node: string;
  readonly #log: Logger;
  readonly #schedulerEvent: Event;
  readonly #workers = new Map<string, PodWorker>();
  readonly #busy = new Set<string>();

  constructor(client: KubeClient, ctx: NodeContext, node: string, schedulerEvent: Event) {
    this.#client = client;
    this.#ctx = ctx;
    this.#node = node;
    this.#log = ctx.log;
    this.#schedulerEvent = schedulerEvent;
  }

  /** Workers of the pods running here (for metrics and logs). */
  workers(): PodWorker[] {
    return [...this.#workers.values()];
  }

  /** List+watch until `signal` aborts; relists after every watch end or error. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const list = (await this.#client.getJson('/api/v1/pods')) as PodList;
        this.#reconcile(list.items);
        const query = {
          allowWatchBookmarks: 'true',
          timeoutSeconds: '300',
          resourceVersion: list.metadata?.resourceVersion ?? '0',
        };
        await this.#client.watch(
          '/api/v1/pods',
          query,
          (e) => {
            this.#onEvent(e);
          },
          signal,
        );
      } catch (err) {
        if (!signal.aborted) this.#log.error('pod watch failed; relisting', { err });
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** An ERROR event (e.g. 410 Gone) throws out of the watch, so `run` relists. */
  #onEvent(e: WatchEvent): void {
    if (e.type === 'ERROR') {
      throw new KubernetesError(410, '', `watch error event: ${JSON.stringify(e.object)}`);
    }
    if (e.type === 'BOOKMARK') return;
    const pod = e.object as Pod;
    if (e.type === 'DELETED') this.#gone(pod.metadata?.uid ?? '');
    else this.#handle(pod);
  }

  #reconcile(pods: readonly Pod[]): void {
    const present = new Set(pods.map((p) => p.metadata?.uid ?? ''));
    for (const uid of this.#workers.keys()) if (!present.has(uid)) this.#gone(uid);
    for (const p of pods) this.#handle(p);
  }

  #handle(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const nodeName = pod.spec?.nodeName ?? '';
    if (nodeName === '' && !terminal(pod) && pod.metadata?.deletionTimestamp === undefined) {
      this.#once(`bind/${uid}`, () => this.#bind(pod));
      return;
    }
    if (nodeName !== this.#node) return;
    const worker = this.#workers.get(uid);
    worker?.update(pod);
    if (pod.metadata?.deletionTimestamp !== undefined) {
      this.#once(`delete/${uid}`, () => this.#terminate(pod));
      return;
    }
    if (worker === undefined && !terminal(pod)) {
      const w = new PodWorker(pod, this.#ctx);
      this.#workers.set(uid, w);
      this.#log.info('starting pod', { pod: key(pod) }, 1);
      w.start().catch((err: unknown) => {
        this.#log.error('pod start failed', { pod: key(pod), err });
        this.#ctx.event(
          pod,
          'Warning',
          'FailedCreatePodSandBox',
          `Failed to create pod sandbox: ${(err as Error).message}`,
        );
      });
    }
  }

  #once(id: string, task: () => Promise<void>): void {
    if (this.#busy.has(id)) return;
    this.#busy.add(id);
    task()
      .catch((err: unknown) => {
        this.#log.error('pod task failed', { task: id, err });
      })
      .finally(() => {
        this.#busy.delete(id);
      });
  }

  async #bind(pod: Pod): Promise<void> {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: ns },
      target: { apiVersion: 'v1', kind: 'Node', name: this.#node },
    };
    await this.#client.postJson(`/api/v1/namespaces/${ns}/pods/${name}/binding`, binding);
    this.#schedulerEvent(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${this.#node}`,
    );
  }

  async #terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const grace =
      pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const worker = this.#workers.get(uid);
    if (worker) {
      this.#ctx.event(pod, 'Normal', 'Killing', 'Stopping pod');
      await worker.stop(grace);
      this.#workers.delete(uid);
    }
    const path = `/api/v1/namespaces/${pod.metadata?.namespace ?? 'default'}/pods/${pod.metadata?.name ?? ''}`;
    await this.#client
      .deleteJson(path, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid },
      })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  }

  #gone(uid: string): void {
    const worker = this.#workers.get(uid);
    if (worker === undefined) return;
    this.#workers.delete(uid);
    this.#once(`gone/${uid}`, () => worker.stop(2));
  }

  /** Stops every pod (agent shutdown with --stop-pods-on-exit, tests). */
  async stopAll(graceSeconds: number): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.stop(graceSeconds)));
    this.#workers.clear();
  }
}
