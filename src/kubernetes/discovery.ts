import type { KubeClient } from './client.ts';
import { isNotFoundOrForbidden } from './kubernetes-error.ts';
import { buildResourceMap, type ApiResource, type DiscoveredGroup } from './resource-map.ts';
import type { ResourceMap } from './types.ts';

/** The groups this adapter serves itself: never used for resource mapping. */
const OWN_METRICS_GROUPS: ReadonlySet<string> = new Set([
  'custom.metrics.k8s.io',
  'external.metrics.k8s.io',
  'metrics.k8s.io',
]);

export interface DiscoveryFailure {
  /** `v1` for core, else `group/version`. */
  readonly groupVersion: string;
  readonly error: unknown;
}

export interface DiscoveryResult {
  readonly map: ResourceMap;
  /** Group versions whose resource list could not be fetched (left out of the map). */
  readonly failedGroups: readonly string[];
  readonly failures: readonly DiscoveryFailure[];
}

/** Discovery failed as a whole (`/api` or `/apis` unreadable, or no group version readable). */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

interface GroupRef {
  readonly name: string;
  readonly preferredVersion: string;
  readonly versions: readonly string[];
}

type Json = Readonly<Record<string, unknown>>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

const coreGroup = (doc: unknown): GroupRef[] => {
  const versions = list(isJson(doc) ? doc['versions'] : undefined)
    .map(text)
    .filter(Boolean);
  return versions.length === 0 ? [] : [{ name: '', preferredVersion: versions[0] ?? '', versions }];
};

const namedGroups = (doc: unknown): GroupRef[] =>
  list(isJson(doc) ? doc['groups'] : undefined)
    .filter(isJson)
    .map((g) => ({
      name: text(g['name']),
      preferredVersion: text(isJson(g['preferredVersion']) ? g['preferredVersion']['version'] : ''),
      versions: list(g['versions'])
        .filter(isJson)
        .map((v) => text(v['version']))
        .filter(Boolean),
    }))
    .filter((g) => g.name !== '' && !OWN_METRICS_GROUPS.has(g.name));

const toResources = (doc: unknown): ApiResource[] =>
  list(isJson(doc) ? doc['resources'] : undefined)
    .filter(isJson)
    .map((r) => ({
      name: text(r['name']),
      singularName: text(r['singularName']),
      kind: text(r['kind']),
      namespaced: r['namespaced'] === true,
    }));

const groupVersionOf = (group: string, version: string): string =>
  group === '' ? version : `${group}/${version}`;
const pathOf = (group: string, version: string): string =>
  group === '' ? `/api/${version}` : `/apis/${group}/${version}`;

type Client = Pick<KubeClient, 'getJson'>;

const getOptional = async (
  client: Client,
  path: string,
  signal?: AbortSignal,
): Promise<unknown> => {
  try {
    return await client.getJson(path, { signal, throttle: false });
  } catch (err) {
    if (isNotFoundOrForbidden(err)) return undefined;
    throw new DiscoveryError(`unable to retrieve the list of server APIs (${path})`, {
      cause: err,
    });
  }
};

interface Fetched {
  readonly group: DiscoveredGroup;
  readonly failures: readonly DiscoveryFailure[];
}

const fetchGroup = async (
  client: Client,
  ref: GroupRef,
  signal?: AbortSignal,
): Promise<Fetched> => {
  const failures: DiscoveryFailure[] = [];
  const results = await Promise.allSettled(
    ref.versions.map((v) => client.getJson(pathOf(ref.name, v), { signal, throttle: false })),
  );
  const versions = ref.versions.flatMap((version, i) => {
    const r = results[i];
    if (r?.status === 'fulfilled') return [{ version, resources: toResources(r.value) }];
    failures.push({ groupVersion: groupVersionOf(ref.name, version), error: r?.reason });
    return [];
  });
  return { group: { name: ref.name, preferredVersion: ref.preferredVersion, versions }, failures };
};

/**
 * Legacy discovery (`/api`, `/api/<v>`, `/apis`, `/apis/<g>/<v>`, group versions fetched in
 * parallel, not throttled) → ResourceMap. The adapter's own metrics groups are skipped. A group
 * version that fails is left out and reported; `/api` or `/apis` failing (other than 404/403),
 * or no group version being readable, throws DiscoveryError.
 */
export const discoverResources = async (
  client: Client,
  signal?: AbortSignal,
): Promise<DiscoveryResult> => {
  const [core, named] = await Promise.all([
    getOptional(client, '/api', signal),
    getOptional(client, '/apis', signal),
  ]);
  const refs = [...coreGroup(core), ...namedGroups(named)];
  const fetched = await Promise.all(refs.map((ref) => fetchGroup(client, ref, signal)));
  signal?.throwIfAborted();
  const groups = fetched.map((f) => f.group);
  const failures = fetched.flatMap((f) => f.failures);
  if (!groups.some((g) => g.versions.length > 0)) {
    throw new DiscoveryError('no API group version could be discovered', {
      cause: failures[0]?.error,
    });
  }
  return {
    map: buildResourceMap(groups),
    failedGroups: failures.map((f) => f.groupVersion),
    failures,
  };
};
