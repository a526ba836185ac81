/**
 * Discovery documents served by the fake kube-apiserver (fake-kube-api.ts): a small but
 * realistic slice of a v1.30 cluster, including subresources and the adapter's own groups.
 */

const READ = ['get', 'list', 'watch'];
const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface ResourceSpec {
  readonly name: string;
  readonly singularName: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

const resource = (
  spec: ResourceSpec,
  verbs: readonly string[] = CRUD,
): Record<string, unknown> => ({
  name: spec.name,
  singularName: spec.singularName,
  namespaced: spec.namespaced,
  kind: spec.kind,
  verbs,
  ...(spec.shortNames === undefined ? {} : { shortNames: spec.shortNames }),
});

const subresource = (
  name: string,
  kind: string,
  namespaced: boolean,
  verbs: readonly string[],
) => ({
  name,
  singularName: '',
  namespaced,
  kind,
  verbs,
});

const resourceList = (groupVersion: string, resources: readonly unknown[]) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources,
});

/** `/api/v1`. */
export const CORE_V1 = resourceList('v1', [
  resource({
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  }),
  subresource('namespaces/status', 'Namespace', false, ['get', 'patch', 'update']),
  resource({
    name: 'nodes',
    singularName: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
  }),
  subresource('nodes/proxy', 'NodeProxyOptions', false, ['create', 'delete', 'get']),
  resource({
    name: 'persistentvolumes',
    singularName: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
  }),
  resource({
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
  }),
  subresource('pods/log', 'Pod', true, ['get']),
  subresource('pods/status', 'Pod', true, ['get', 'patch', 'update']),
  resource({
    name: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
  }),
]);

/** Every `/apis/<group>/<version>` document, keyed by path. */
export const GROUP_VERSIONS: Readonly<Record<string, unknown>> = {
  '/apis/apps/v1': resourceList('apps/v1', [
    resource({
      name: 'deployments',
      singularName: 'deployment',
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
    }),
    subresource('deployments/scale', 'Scale', true, ['get', 'patch', 'update']),
    resource({
      name: 'replicasets',
      singularName: 'replicaset',
      kind: 'ReplicaSet',
      namespaced: true,
      shortNames: ['rs'],
    }),
  ]),
  '/apis/batch/v1': resourceList('batch/v1', [
    resource({ name: 'jobs', singularName: 'job', kind: 'Job', namespaced: true }),
    subresource('jobs/status', 'Job', true, ['get', 'patch', 'update']),
  ]),
  '/apis/networking.k8s.io/v1': resourceList('networking.k8s.io/v1', [
    resource({
      name: 'ingresses',
      singularName: 'ingress',
      kind: 'Ingress',
      namespaced: true,
      shortNames: ['ing'],
    }),
  ]),
  '/apis/metrics.k8s.io/v1beta1': resourceList('metrics.k8s.io/v1beta1', [
    resource({ name: 'nodes', singularName: '', kind: 'NodeMetrics', namespaced: false }, READ),
    resource({ name: 'pods', singularName: '', kind: 'PodMetrics', namespaced: true }, READ),
  ]),
};

const group = (name: string, versions: readonly string[]) => {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
};

/** `/api`. */
export const API_VERSIONS = {
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
};

/** `/apis`: our own metrics groups are listed too (as on a real cluster with the adapter). */
export const API_GROUPS = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [
    group('apps', ['v1']),
    group('batch', ['v1']),
    group('networking.k8s.io', ['v1']),
    group('metrics.k8s.io', ['v1beta1']),
    group('custom.metrics.k8s.io', ['v1beta2', 'v1beta1']),
  ],
};
