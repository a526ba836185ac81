import type { GroupResource, ResourceInfo, ResourceMap } from './types.ts';

/** One entry of an APIResourceList, as discovery returns it. */
export interface ApiResource {
  readonly name: string;
  readonly singularName?: string | undefined;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** One API group as discovered: versions in discovery order, only those whose list was fetched. */
export interface DiscoveredGroup {
  /** '' for the core (legacy) group. */
  readonly name: string;
  readonly preferredVersion: string;
  readonly versions: readonly {
    readonly version: string;
    readonly resources: readonly ApiResource[];
  }[];
}

/** `deployments.apps` → {resource: deployments, group: apps} (apimachinery ParseGroupResource). */
export const parseGroupResource = (text: string): GroupResource => {
  const dot = text.indexOf('.');
  return dot < 0
    ? { group: '', resource: text }
    : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
};

interface Pattern {
  readonly group: string;
  /** undefined matches any version. */
  readonly version: string | undefined;
}

/**
 * client-go DiscoveryRESTMapper priorities: core v1; then per group (discovery order) its
 * preferred version followed by its other versions; then each group with any version.
 */
const priorityPatterns = (groups: readonly DiscoveredGroup[]): Pattern[] => {
  const patterns: Pattern[] = [{ group: '', version: 'v1' }];
  for (const g of groups) {
    const fetched = new Set(g.versions.map((v) => v.version));
    if (fetched.has(g.preferredVersion)) {
      patterns.push({ group: g.name, version: g.preferredVersion });
    }
    for (const v of g.versions) {
      if (v.version !== g.preferredVersion) patterns.push({ group: g.name, version: v.version });
    }
  }
  for (const g of groups) patterns.push({ group: g.name, version: undefined });
  return patterns;
};

const toInfos = (g: DiscoveredGroup): ResourceInfo[] =>
  g.versions.flatMap(({ version, resources }) =>
    resources
      .filter((r) => r.name !== '' && !r.name.includes('/'))
      .map((r) =>
        Object.freeze({
          group: g.name,
          version,
          resource: r.name,
          singular:
            r.singularName === undefined || r.singularName === ''
              ? r.kind.toLowerCase()
              : r.singularName,
          kind: r.kind,
          namespaced: r.namespaced,
        }),
      ),
  );

const matches = (p: Pattern, info: ResourceInfo): boolean =>
  p.group === info.group && (p.version === undefined || p.version === info.version);

/** PriorityRESTMapper narrowing: a pattern with one hit wins; with several, narrow and go on. */
const pick = (
  candidates: readonly ResourceInfo[],
  patterns: readonly Pattern[],
): ResourceInfo | undefined => {
  if (candidates.length <= 1) return candidates[0];
  let remaining = candidates;
  for (const p of patterns) {
    const hits = remaining.filter((info) => matches(p, info));
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) remaining = hits;
  }
  return undefined;
};

const indexByName = (infos: readonly ResourceInfo[]): Map<string, ResourceInfo[]> => {
  const index = new Map<string, ResourceInfo[]>();
  const add = (name: string, info: ResourceInfo): void => {
    const list = index.get(name) ?? [];
    if (!list.includes(info)) list.push(info);
    index.set(name, list);
  };
  for (const info of infos) {
    add(info.resource, info);
    add(info.singular, info);
  }
  return index;
};

/** Keeps the last entry per group/version/resource (later list entries overwrite, as client-go). */
const dedupe = (infos: readonly ResourceInfo[]): ResourceInfo[] => {
  const byKey = new Map<string, ResourceInfo>();
  for (const i of infos) byKey.set(`${i.group}/${i.version}/${i.resource}`, i);
  return [...byKey.values()];
};

/**
 * Builds an immutable ResourceMap with client-go DiscoveryRESTMapper semantics: subresources
 * are skipped; the singular is `singularName` or the lowercased kind; input is lowercased and
 * matched against plural or singular; an empty group matches every group; several matches are
 * narrowed by priority (see priorityPatterns) and a remaining tie is ambiguous (undefined).
 */
export const buildResourceMap = (groups: readonly DiscoveredGroup[]): ResourceMap => {
  const infos = dedupe(groups.flatMap(toInfos));
  const patterns = priorityPatterns(groups);
  const index = indexByName(infos);
  const seen = new Set<string>();
  const all: ResourceInfo[] = [];
  for (const info of infos) {
    const key = `${info.resource}.${info.group}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const best = pick(
      infos.filter((i) => i.group === info.group && i.resource === info.resource),
      patterns,
    );
    if (best !== undefined) all.push(best);
  }
  Object.freeze(all);
  return Object.freeze({
    resolve: ({ group = '', resource }: { readonly group?: string; readonly resource: string }) => {
      const wanted = resource.toLowerCase();
      const candidates = (index.get(wanted) ?? []).filter((i) => group === '' || i.group === group);
      return pick(candidates, patterns);
    },
    all: () => all,
  });
};
