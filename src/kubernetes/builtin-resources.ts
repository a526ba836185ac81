/**
 * The resources every Kubernetes cluster serves (a v1.34 cluster's built-in API groups), as a
 * ResourceMap for checking a config offline (`lint`) where no cluster is at hand. Pure data.
 */
import { buildResourceMap, type ApiResource, type DiscoveredGroup } from './resource-map.ts';
import type { ResourceMap } from './types.ts';

const r = (name: string, kind: string, namespaced = true): ApiResource => ({
  name,
  singularName: kind.toLowerCase(),
  kind,
  namespaced,
});

const group = (
  name: string,
  version: string,
  resources: readonly ApiResource[],
): DiscoveredGroup => ({
  name,
  preferredVersion: version,
  versions: [{ version, resources }],
});

const GROUPS: readonly DiscoveredGroup[] = [
  group('', 'v1', [
    r('pods', 'Pod'),
    r('services', 'Service'),
    r('endpoints', 'Endpoints'),
    r('configmaps', 'ConfigMap'),
    r('secrets', 'Secret'),
    r('serviceaccounts', 'ServiceAccount'),
    r('persistentvolumeclaims', 'PersistentVolumeClaim'),
    r('replicationcontrollers', 'ReplicationController'),
    r('events', 'Event'),
    r('namespaces', 'Namespace', false),
    r('nodes', 'Node', false),
    r('persistentvolumes', 'PersistentVolume', false),
  ]),
  group('apps', 'v1', [
    r('deployments', 'Deployment'),
    r('statefulsets', 'StatefulSet'),
    r('daemonsets', 'DaemonSet'),
    r('replicasets', 'ReplicaSet'),
  ]),
  group('batch', 'v1', [r('jobs', 'Job'), r('cronjobs', 'CronJob')]),
  group('autoscaling', 'v2', [r('horizontalpodautoscalers', 'HorizontalPodAutoscaler')]),
  group('networking.k8s.io', 'v1', [
    r('ingresses', 'Ingress'),
    r('networkpolicies', 'NetworkPolicy'),
    r('ingressclasses', 'IngressClass', false),
  ]),
  group('policy', 'v1', [r('poddisruptionbudgets', 'PodDisruptionBudget')]),
  group('storage.k8s.io', 'v1', [r('storageclasses', 'StorageClass', false)]),
  group('discovery.k8s.io', 'v1', [r('endpointslices', 'EndpointSlice')]),
];

export const builtinResourceMap = (): ResourceMap => buildResourceMap(GROUPS);
