/**
 * Prometheus side of metrics.k8s.io (upstream-behaviour: usage): build the `resourceRules` cpu and
 * memory queries for a set of pods (one namespace) or nodes, run both at one evaluation time (each
 * on its rule's backend), and fold the samples into per-object usage. Failures never throw: they are logged and the objects
 * concerned are simply absent, as upstream.
 */
import type { QueryRenderer } from '../rules/compiled-rule.ts';
import type { ContainerMetrics, ResourceUsage } from '../api/resource-provider.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient, QueryRoute, Sample } from '../prometheus/types.ts';
import { buildQuery, type QueryInput } from '../query/build.ts';

/** `resourceRules.cpu` / `.memory` compiled: two templates and the rule's resource mapping. */
export interface CompiledResourceRule {
  readonly containerQuery: QueryRenderer;
  readonly nodeQuery: QueryRenderer;
  /** The label holding the container name; also grouped by in container queries. */
  readonly containerLabel: string;
  /** The config `backend` its queries go to; unset = the flag-defined `default`. */
  readonly backend?: string;
  /** The series label holding objects of `gr` (throws when the mapping has no form for it). */
  labelFor(gr: GroupResource): string;
}

export interface CompiledResourceRules {
  readonly cpu: CompiledResourceRule;
  readonly memory: CompiledResourceRule;
  /** `window` in milliseconds (0 when unset); reported, never put into queries. */
  readonly windowMs: number;
}

export interface UsageQueryContext {
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  readonly logger: Logger;
  /** Evaluation time of every query of the request, seconds since the epoch. */
  readonly time: number;
  readonly signal: AbortSignal;
}

export interface PodUsage {
  readonly timestamp: number;
  readonly containers: readonly ContainerMetrics[];
}

export interface NodeUsage {
  readonly timestamp: number;
  readonly usage: ResourceUsage;
}

const PODS = { group: '', resource: 'pods' } as const;
const NODES = { group: '', resource: 'nodes' } as const;
const NAMESPACES = { group: '', resource: 'namespaces' } as const;

/** `NewMilliQuantity(int64(v*1000))` with NaN, negatives and ±Inf as 0 (upstream: NaN/neg → 0). */
export const toMilli = (value: number): bigint =>
  Number.isFinite(value) && value > 0 ? BigInt(Math.trunc(value * 1000)) : 0n;

type Which = 'cpu' | 'memory';

/** Runs one query; undefined (logged) on any failure or a non-vector result. */
const samplesOf = async (
  ctx: UsageQueryContext,
  what: { readonly which: Which; readonly build: () => string; readonly route: QueryRoute },
): Promise<readonly Sample[] | undefined> => {
  let query = '';
  try {
    query = what.build();
    const result = await ctx.prometheus.query(query, ctx.time, ctx.signal, what.route);
    if (result.type === 'vector') return result.samples;
    ctx.logger.error('resource metrics query returned a non-vector', { query, type: result.type });
  } catch (err) {
    ctx.logger.error(`unable to fetch ${what.which} metrics`, { query, err });
  }
  return undefined;
};

/**
 * Both queries in parallel, each to its rule's backend (the tenant chosen by `namespace`; none
 * for node queries); undefined when either fails.
 */
const bothSamples = async (
  ctx: UsageQueryContext,
  rules: CompiledResourceRules,
  input: (rule: CompiledResourceRule) => { template: QueryRenderer; query: QueryInput },
  namespace?: string,
) => {
  const run = (which: Which) =>
    samplesOf(ctx, {
      which,
      route: { backend: rules[which].backend, namespace },
      build: () => {
        const { template, query } = input(rules[which]);
        return buildQuery(template, query);
      },
    });
  const [cpu, memory] = await Promise.all([run('cpu'), run('memory')]);
  return cpu === undefined || memory === undefined ? undefined : { cpu, memory };
};

type ContainerValues = Map<string, { value: bigint; timestamp: number }>;

/** pod name → container name → value (the last sample wins for duplicates). */
const byPodAndContainer = (
  samples: readonly Sample[],
  podLabel: string,
  containerLabel: string,
) => {
  const out = new Map<string, ContainerValues>();
  for (const s of samples) {
    const pod = s.labels[podLabel];
    if (pod === undefined) continue;
    const containers = out.get(pod) ?? new Map<string, { value: bigint; timestamp: number }>();
    containers.set(s.labels[containerLabel] ?? '', {
      value: toMilli(s.value),
      timestamp: s.timestamp,
    });
    out.set(pod, containers);
  }
  return out;
};

/** Containers in name order; one missing a resource gets 0 for it. */
const mergeContainers = (cpu: ContainerValues, memory: ContainerValues): PodUsage => {
  const names = [...new Set([...cpu.keys(), ...memory.keys()])].sort();
  const timestamps = [...cpu.values(), ...memory.values()].map((v) => v.timestamp);
  return {
    timestamp: Math.min(...timestamps),
    containers: names.map((name) => ({
      name,
      usage: { cpu: cpu.get(name)?.value ?? 0n, memory: memory.get(name)?.value ?? 0n },
    })),
  };
};

/**
 * Usage of the named pods of one namespace: one cpu and one memory query, grouped by pod and
 * container. A pod missing from either result is absent from the map; a failed query empties it.
 */
export const podUsage = async (
  ctx: UsageQueryContext,
  rules: CompiledResourceRules,
  target: { readonly namespace: string; readonly pods: readonly string[] },
): Promise<Map<string, PodUsage>> => {
  const result = new Map<string, PodUsage>();
  if (target.pods.length === 0) return result;
  const input = (rule: CompiledResourceRule) => ({
    template: rule.containerQuery,
    query: {
      series: '',
      metricSelector: [],
      namespace: { label: rule.labelFor(NAMESPACES), value: target.namespace },
      objects: { label: rule.labelFor(PODS), names: target.pods },
      extraGroupBy: rule.containerLabel === '' ? [] : [rule.containerLabel],
    },
  });
  const samples = await bothSamples(ctx, rules, input, target.namespace);
  if (samples === undefined) return result;
  const fold = (rule: CompiledResourceRule, from: readonly Sample[]) =>
    byPodAndContainer(from, rule.labelFor(PODS), rule.containerLabel);
  const cpu = fold(rules.cpu, samples.cpu);
  const memory = fold(rules.memory, samples.memory);
  for (const pod of target.pods) {
    const c = cpu.get(pod);
    const m = memory.get(pod);
    if (c !== undefined && m !== undefined) result.set(pod, mergeContainers(c, m));
  }
  return result;
};

/** node name → its first sample. */
const firstByNode = (samples: readonly Sample[], nodeLabel: string): Map<string, Sample> => {
  const out = new Map<string, Sample>();
  for (const s of samples) {
    const node = s.labels[nodeLabel];
    if (node !== undefined && !out.has(node)) out.set(node, s);
  }
  return out;
};

/**
 * Usage of the named nodes: one cpu and one memory query for all of them. A node missing from
 * either result is absent; a failed query gives an empty map.
 */
export const nodeUsage = async (
  ctx: UsageQueryContext,
  rules: CompiledResourceRules,
  nodes: readonly string[],
): Promise<Map<string, NodeUsage>> => {
  const result = new Map<string, NodeUsage>();
  if (nodes.length === 0) return result;
  const input = (rule: CompiledResourceRule) => ({
    template: rule.nodeQuery,
    query: {
      series: '',
      metricSelector: [],
      objects: { label: rule.labelFor(NODES), names: nodes },
    },
  });
  const samples = await bothSamples(ctx, rules, input);
  if (samples === undefined) return result;
  const cpu = firstByNode(samples.cpu, rules.cpu.labelFor(NODES));
  const memory = firstByNode(samples.memory, rules.memory.labelFor(NODES));
  for (const node of nodes) {
    const c = cpu.get(node);
    const m = memory.get(node);
    if (c === undefined || m === undefined) continue;
    result.set(node, {
      timestamp: Math.min(c.timestamp, m.timestamp),
      usage: { cpu: toMilli(c.value), memory: toMilli(m.value) },
    });
  }
  return result;
};
