import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';

/** Host facts the Node object reports. */
export interface HostFacts {
  readonly nodeName: string;
  readonly address: string;
  readonly kubeletPort: number;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly kubeVersion: string;
  readonly machineId: string;
  readonly bootId: string;
  readonly arch: string;
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The node's conditions at `now`: Ready=True, no pressure; transition time = `since`. */
export const nodeConditions = (now: Date, since: Date): NodeCondition[] => {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: iso(now),
    lastTransitionTime: iso(since),
  });
  return [
    c(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'k8spa node agent is posting ready status'),
  ];
};

/** The Node object this agent registers (status included; the apiserver keeps status on create). */
export const buildNode = (h: HostFacts, now: Date): Node => {
  const capacity = {
    cpu: String(h.cpus),
    memory: `${Math.floor(h.memoryBytes / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': '10Gi',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: h.nodeName,
      labels: {
        'kubernetes.io/hostname': h.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': h.arch,
        'node.kubernetes.io/instance-type': 'k8spa-local',
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: nodeConditions(now, now),
      addresses: [
        { type: 'InternalIP', address: h.address },
        { type: 'Hostname', address: h.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: h.kubeletPort } },
      nodeInfo: {
        machineID: h.machineId,
        systemUUID: h.machineId,
        bootID: h.bootId,
        kernelVersion: h.kernel,
        osImage: 'k8s-prometheus-adapter local node (pods as processes)',
        containerRuntimeVersion: 'k8spa-process://0.1.0',
        kubeletVersion: h.kubeVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: h.arch,
      },
    },
  };
};
