/** One container's usage, labelled as the kubelet labels it. */
export interface ContainerUsage {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly startTime: Date;
}

/** Node-wide usage. */
export interface NodeUsage {
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
}

const escape = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

const labels = (l: Readonly<Record<string, string>>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',')}}`;

const family = (
  name: string,
  type: string,
  help: string,
  rows: readonly [Record<string, string>, number][],
): string[] => [
  `# HELP ${name} ${help}`,
  `# TYPE ${name} ${type}`,
  ...rows.map(([l, v]) => `${name}${Object.keys(l).length > 0 ? labels(l) : ''} ${v}`),
];

/**
 * The kubelet's /metrics/resource families in Prometheus text format: container_*, pod_* (sums per pod)
 * and node_* usage, plus scrape_error. Labels are the kubelet's (`container`, `namespace`, `pod`); the
 * scrape config adds `node`/`instance`.
 */
export const renderResourceMetrics = (
  node: NodeUsage,
  containers: readonly ContainerUsage[],
): string => {
  const c = (u: ContainerUsage) => ({ container: u.container, namespace: u.namespace, pod: u.pod });
  const pods = new Map<string, { namespace: string; pod: string; cpu: number; mem: number }>();
  for (const u of containers) {
    const key = `${u.namespace}/${u.pod}`;
    const p = pods.get(key) ?? { namespace: u.namespace, pod: u.pod, cpu: 0, mem: 0 };
    pods.set(key, { ...p, cpu: p.cpu + u.cpuSeconds, mem: p.mem + u.memoryBytes });
  }
  const podRows = [...pods.values()];
  const podLabels = (p: { namespace: string; pod: string }) => ({
    namespace: p.namespace,
    pod: p.pod,
  });
  return [
    ...family(
      'container_cpu_usage_seconds_total',
      'counter',
      'Cumulative cpu time consumed by the container in core-seconds',
      containers.map((u) => [c(u), u.cpuSeconds]),
    ),
    ...family(
      'container_memory_working_set_bytes',
      'gauge',
      'Current working set of the container in bytes',
      containers.map((u) => [c(u), u.memoryBytes]),
    ),
    ...family(
      'container_start_time_seconds',
      'gauge',
      'Start time of the container since unix epoch in seconds',
      containers.map((u) => [c(u), u.startTime.getTime() / 1000]),
    ),
    ...family(
      'node_cpu_usage_seconds_total',
      'counter',
      'Cumulative cpu time consumed by the node in core-seconds',
      [[{}, node.cpuSeconds]],
    ),
    ...family(
      'node_memory_working_set_bytes',
      'gauge',
      'Current working set of the node in bytes',
      [[{}, node.memoryBytes]],
    ),
    ...family(
      'pod_cpu_usage_seconds_total',
      'counter',
      'Cumulative cpu time consumed by the pod in core-seconds',
      podRows.map((p) => [podLabels(p), p.cpu]),
    ),
    ...family(
      'pod_memory_working_set_bytes',
      'gauge',
      'Current working set of the pod in bytes',
      podRows.map((p) => [podLabels(p), p.mem]),
    ),
    ...family(
      'scrape_error',
      'gauge',
      '1 if there was an error while getting container metrics, 0 otherwise',
      [[{}, 0]],
    ),
    '',
  ].join('\n');
};
