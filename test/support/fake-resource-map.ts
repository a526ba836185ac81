/**
 * A small fixed ResourceMap for naming tests: core pods, namespaces, nodes, services,
 * persistentvolumes; deployments.apps, jobs.batch, ingresses.networking.k8s.io. Resolves
 * plural or singular names, case-insensitively; an empty group matches every group.
 */
import type { ResourceInfo, ResourceMap } from '../../src/kubernetes/types.ts';

const info = (
  resource: string,
  singular: string,
  kind: string,
  group = '',
  namespaced = true,
): ResourceInfo => ({
  group,
  version: 'v1',
  resource,
  singular,
  kind,
  namespaced,
});

const INFOS: readonly ResourceInfo[] = [
  info('pods', 'pod', 'Pod'),
  info('namespaces', 'namespace', 'Namespace', '', false),
  info('nodes', 'node', 'Node', '', false),
  info('services', 'service', 'Service'),
  info('persistentvolumes', 'persistentvolume', 'PersistentVolume', '', false),
  info('deployments', 'deployment', 'Deployment', 'apps'),
  info('jobs', 'job', 'Job', 'batch'),
  info('ingresses', 'ingress', 'Ingress', 'networking.k8s.io'),
];

export const fakeResourceMap: ResourceMap = Object.freeze({
  resolve: ({ group = '', resource }: { readonly group?: string; readonly resource: string }) => {
    const wanted = resource.toLowerCase();
    return INFOS.find(
      (i) =>
        (group === '' || i.group === group) && (i.resource === wanted || i.singular === wanted),
    );
  },
  all: () => INFOS,
});

/** The ResourceInfo of `resource` (plural) in the fake map; throws for one it does not hold. */
export const fakeResourceInfo = (resource: string): ResourceInfo => {
  const found = INFOS.find((i) => i.resource === resource);
  if (found === undefined) throw new Error(`no ${resource} in the fake resource map`);
  return found;
};
