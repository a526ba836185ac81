import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../src/log.ts';
import type { KubeClient } from '../../src/kubernetes/client.ts';
import { isConflict, isNotFound } from './api-errors.ts';
import { buildNode, nodeConditions, type HostFacts } from './node-object.ts';

/** Reads the host facts from the OS. */
export const hostFacts = (
  nodeName: string,
  address: string,
  kubeletPort: number,
  kubeVersion: string,
): HostFacts => {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nodeName,
    address,
    kubeletPort,
    kubeVersion,
    cpus: cpus().length,
    memoryBytes: totalmem(),
    kernel: release(),
    machineId: read('/etc/machine-id'),
    bootId: read('/proc/sys/kernel/random/boot_id'),
    arch: arch() === 'x64' ? 'amd64' : arch(),
  };
};

/** Creates the Node (or refreshes an existing one's status) and removes the not-ready taint the apiserver adds. */
export const registerNode = async (
  client: KubeClient,
  facts: HostFacts,
  now: Date,
): Promise<void> => {
  const node = buildNode(facts, now);
  try {
    await client.postJson('/api/v1/nodes', node);
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
  await client.patchJson(`/api/v1/nodes/${facts.nodeName}/status`, { status: node.status });
  await clearNotReadyTaint(client, facts.nodeName);
};

const clearNotReadyTaint = async (client: KubeClient, name: string): Promise<void> => {
  const node = (await client.getJson(`/api/v1/nodes/${name}`)) as Node;
  const taints = node.spec?.taints ?? [];
  const kept = taints.filter(
    (t) => t.key !== 'node.kubernetes.io/not-ready' && t.key !== 'node.kubernetes.io/unreachable',
  );
  if (kept.length !== taints.length) {
    await client.patchJson(`/api/v1/nodes/${name}`, {
      spec: { taints: kept.length > 0 ? kept : null },
    });
  }
};

const renewLease = async (client: KubeClient, name: string, now: Date): Promise<void> => {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
  const spec = {
    holderIdentity: name,
    leaseDurationSeconds: 40,
    renewTime: now.toISOString().replace('Z', '000Z'),
  };
  try {
    await client.patchJson(path, { spec });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.postJson('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec,
    });
  }
};

/** How the heartbeat runs. */
export interface HeartbeatOptions {
  readonly since: Date;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly periodMs?: number;
}

/** Every `periodMs` (10s): node status heartbeat (Ready) and Lease renewal, until `signal` aborts. */
export const runHeartbeat = (client: KubeClient, facts: HostFacts, o: HeartbeatOptions): void => {
  const { since, log, signal } = o;
  const beat = async () => {
    const now = new Date();
    try {
      await client.patchJson(`/api/v1/nodes/${facts.nodeName}/status`, {
        status: { conditions: nodeConditions(now, since) },
      });
      await renewLease(client, facts.nodeName, now);
      await clearNotReadyTaint(client, facts.nodeName);
    } catch (err) {
      log.error('node heartbeat failed', { err });
      if (isNotFound(err)) await registerNode(client, facts, now).catch(() => undefined);
    }
  };
  const timer = setInterval(() => void beat(), o.periodMs ?? 10_000);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
  });
};
