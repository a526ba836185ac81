/**
 * Legacy discovery documents (APIGroupList, APIGroup, APIResourceList) and the `/` path index,
 * shaped exactly as the generic apiserver writes them (upstream-behaviour: discovery). Pure.
 */
import type { ApiGroup } from './api-group.ts';

const groupVersion = (group: string, version: string) => ({
  groupVersion: `${group}/${version}`,
  version,
});

const groupBody = (group: ApiGroup) => ({
  name: group.name,
  versions: group.versions.map((v) => groupVersion(group.name, v)),
  preferredVersion: groupVersion(group.name, group.versions[0] ?? ''),
});

/**
 * `GET /apis`. `serverAddress` (`:<port>` upstream, no external address configured) fills
 * serverAddressByClientCIDRs; without it the field is omitted.
 */
export const apiGroupList = (groups: readonly ApiGroup[], serverAddress?: string) => ({
  // No apiVersion: the generic apiserver of a custom-metrics adapter omits it (differential test).
  kind: 'APIGroupList',
  groups: groups.map((g) => ({
    ...groupBody(g),
    ...(serverAddress === undefined
      ? {}
      : { serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }),
  })),
});

/** `GET /apis/<group>`. */
export const apiGroupDoc = (group: ApiGroup) => ({
  kind: 'APIGroup',
  apiVersion: 'v1',
  ...groupBody(group),
});

/** `GET /apis/<group>/<version>`; an empty list is `"resources": []`. */
export const apiResourceList = (group: ApiGroup, version: string) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${group.name}/${version}`,
  resources: group.resources(version),
});

export interface RootPathsInput {
  readonly groups: readonly ApiGroup[];
  /** Health check names per endpoint, listed as `/healthz/<check>` etc. */
  readonly checks: Readonly<Record<'healthz' | 'livez' | 'readyz', readonly string[]>>;
  readonly metrics: boolean;
}

/** `GET /`: every listed path, sorted bytewise like Go's sort.Strings. */
export const rootPaths = (input: RootPathsInput) => {
  const paths = ['/apis', '/apis/', '/openapi/v2', '/openapi/v3', '/openapi/v3/', '/version'];
  for (const g of input.groups) {
    paths.push(`/apis/${g.name}`, ...g.versions.map((v) => `/apis/${g.name}/${v}`));
  }
  for (const [endpoint, names] of Object.entries(input.checks)) {
    paths.push(`/${endpoint}`, ...names.map((n) => `/${endpoint}/${n}`));
  }
  if (input.metrics) paths.push('/metrics');
  return { paths: [...new Set(paths)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
};
