/**
 * ResourceMetricsProvider (metrics.k8s.io) over the pod and node caches and Prometheus
 * (upstream-behaviour: usage): objects come from the caches, filtered by label and field selectors,
 * sorted; usage comes from the `resourceRules` queries, one pair per namespace (bounded in
 * parallel) for pods and one pair for all nodes.
 */
import { notFound } from '../api/errors.ts';
import type { NodeMetrics, PodMetrics, ResourceMetricsProvider } from '../api/resource-provider.ts';
import { mapBounded } from '../discovery/bounded.ts';
import { matchesFields, type FieldRequirement } from '../kubernetes/field-selector.ts';
import type { Informer } from '../kubernetes/informer.ts';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import { podKey, type NodeMeta, type PodMeta } from '../kubernetes/metadata-informers.ts';
import type { Logger } from '../log.ts';
import type { PrometheusClient } from '../prometheus/types.ts';
import { labelsMatch } from '../kubernetes/label-match.ts';
import {
  nodeUsage,
  podUsage,
  type CompiledResourceRules,
  type UsageQueryContext,
} from './resource-usage.ts';

export interface ResourceProviderDeps {
  readonly pods: Pick<Informer<PodMeta>, 'items' | 'get'>;
  readonly nodes: Pick<Informer<NodeMeta>, 'items' | 'get'>;
  /** The current compiled `resourceRules`. */
  readonly rules: () => CompiledResourceRules;
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Namespaces queried at once (each runs two queries); default 8. */
  readonly concurrency?: number;
}

const byNamespaceThenName = (a: PodMeta, b: PodMeta): number =>
  a.namespace < b.namespace
    ? -1
    : a.namespace > b.namespace
      ? 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;

const byName = (a: NodeMeta, b: NodeMeta): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Groups pods by namespace, keeping their order. */
const groupByNamespace = (pods: readonly PodMeta[]): Map<string, PodMeta[]> => {
  const groups = new Map<string, PodMeta[]>();
  for (const p of pods) {
    const members = groups.get(p.namespace);
    if (members === undefined) groups.set(p.namespace, [p]);
    else members.push(p);
  }
  return groups;
};

const podMetrics = async (
  deps: ResourceProviderDeps,
  pods: readonly PodMeta[],
  signal: AbortSignal,
): Promise<PodMetrics[]> => {
  const rules = deps.rules();
  const ctx: UsageQueryContext = { ...deps, time: deps.now() / 1000, signal };
  const groups = [...groupByNamespace(pods)];
  const usages = await mapBounded(groups, deps.concurrency ?? 8, ([namespace, members]) =>
    podUsage(ctx, rules, { namespace, pods: members.map((p) => p.name) }),
  );
  const found = new Map<string, PodMetrics>();
  groups.forEach(([namespace, members], i) => {
    for (const pod of members) {
      const usage = usages[i]?.get(pod.name);
      if (usage === undefined) continue;
      found.set(podKey(namespace, pod.name), {
        name: pod.name,
        namespace,
        labels: pod.labels,
        timestamp: usage.timestamp,
        windowMs: rules.windowMs,
        containers: usage.containers,
      });
    }
  });
  return pods.flatMap((p) => found.get(podKey(p.namespace, p.name)) ?? []);
};

const nodeMetrics = async (
  deps: ResourceProviderDeps,
  nodes: readonly NodeMeta[],
  signal: AbortSignal,
): Promise<NodeMetrics[]> => {
  const rules = deps.rules();
  const ctx: UsageQueryContext = { ...deps, time: deps.now() / 1000, signal };
  const usages = await nodeUsage(
    ctx,
    rules,
    nodes.map((n) => n.name),
  );
  return nodes.flatMap((n) => {
    const u = usages.get(n.name);
    return u === undefined
      ? []
      : [
          {
            name: n.name,
            labels: n.labels,
            timestamp: u.timestamp,
            windowMs: rules.windowMs,
            usage: u.usage,
          },
        ];
  });
};

/** Creates the provider; it reads the caches' current snapshots at each call. */
export const createResourceProvider = (deps: ResourceProviderDeps): ResourceMetricsProvider => ({
  async listNodes(selector: LabelSelector, fields: readonly FieldRequirement[], signal) {
    const nodes = deps.nodes
      .items()
      .filter(
        (n) =>
          labelsMatch(selector, n.labels) && matchesFields(fields, { 'metadata.name': n.name }),
      )
      .sort(byName);
    return nodeMetrics(deps, nodes, signal);
  },

  async getNode(name, signal) {
    const node = deps.nodes.get(name);
    if (node === undefined) throw notFound(`node "${name}" not found`, { name, kind: 'node' });
    const [metrics] = await nodeMetrics(deps, [node], signal);
    if (metrics === undefined) {
      throw notFound(`nodemetrics.metrics.k8s.io "${name}" not found`, {
        name,
        group: 'metrics.k8s.io',
        kind: 'nodemetrics',
      });
    }
    return metrics;
  },

  async listPods(namespace, selector, fields, signal) {
    const pods = deps.pods
      .items()
      .filter(
        (p) =>
          (namespace === '' || p.namespace === namespace) &&
          labelsMatch(selector, p.labels) &&
          matchesFields(fields, { 'metadata.name': p.name, 'metadata.namespace': p.namespace }),
      )
      .sort(byNamespaceThenName);
    return podMetrics(deps, pods, signal);
  },

  async getPod(namespace, name, signal) {
    const pod = deps.pods.get(podKey(namespace, name));
    if (pod === undefined) throw notFound(`pods "${name}" not found`, { name, kind: 'pods' });
    const [metrics] = await podMetrics(deps, [pod], signal);
    if (metrics === undefined) {
      const id = `${namespace}/${name}`;
      throw notFound(`podmetrics.metrics.k8s.io "${id}" not found`, {
        name: id,
        group: 'metrics.k8s.io',
        kind: 'podmetrics',
      });
    }
    return metrics;
  },
});
