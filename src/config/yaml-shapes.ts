/**
 * The three container shapes of the config schema: a Go struct (fixed keys), a list, and a
 * string-keyed map. Each reports wrong shapes, unknown keys and duplicates in yaml.v2 strict
 * wording, and records the position of every child path it visits.
 */
import { isMap, isSeq } from 'yaml';
import {
  deref,
  describe,
  fail,
  isNullNode,
  joinPath,
  mappingEntries,
  positionOf,
  type DecodeContext,
  type Entry,
} from './yaml-nodes.ts';

/** A decoded child: its (unresolved) node and its config path. */
export interface Child {
  readonly node: unknown;
  readonly path: string;
}

const record = (ctx: DecodeContext, path: string, entry: Entry): void => {
  const keyPos = positionOf(ctx, entry.keyNode);
  ctx.positions.set(
    path,
    isNullNode(deref(ctx, entry.value)) ? keyPos : positionOf(ctx, entry.value, keyPos),
  );
};

/** Entries of a mapping node, or undefined (after reporting) when the node is not a mapping. */
const entriesOf = (ctx: DecodeContext, node: unknown, path: string): Entry[] | undefined => {
  const target = deref(ctx, node);
  if (isNullNode(target)) return [];
  if (!isMap(target)) {
    fail(ctx, node, path, `expected a mapping, got ${describe(target)}`);
    return undefined;
  }
  return mappingEntries(ctx, target, path);
};

/**
 * The children of a mapping node, each recorded at its path. `refuse` names the problem with a key
 * (`duplicate`: set before in this mapping, not by a merge), which is reported and skipped.
 */
const childrenOf = (
  ctx: DecodeContext,
  node: unknown,
  path: string,
  refuse: (key: string, duplicate: boolean) => string | undefined,
): ReadonlyMap<string, Child> | undefined => {
  const entries = entriesOf(ctx, node, path);
  if (entries === undefined) return undefined;
  const children = new Map<string, Child>();
  const explicit = new Set<string>();
  for (const entry of entries) {
    const childPath = joinPath(path, entry.key);
    const problem = refuse(entry.key, !entry.merged && explicit.has(entry.key));
    if (problem !== undefined) {
      fail(ctx, entry.keyNode, childPath, problem);
      continue;
    }
    if (!entry.merged) explicit.add(entry.key);
    record(ctx, childPath, entry);
    children.set(entry.key, { node: entry.value, path: childPath });
  }
  return children;
};

/**
 * A Go struct: keys must be among `known` (else `field x not found in type T`) and appear once
 * (else `field x already set in type T`). Null is the zero struct (no fields).
 */
export const structFields = (
  ctx: DecodeContext,
  node: unknown,
  path: string,
  typeName: string,
  known: readonly string[],
): ReadonlyMap<string, Child> | undefined =>
  childrenOf(ctx, node, path, (key, duplicate) => {
    if (!known.includes(key)) return `field ${key} not found in type ${typeName}`;
    return duplicate ? `field ${key} already set in type ${typeName}` : undefined;
  });

/** A list; null is "absent" (undefined), anything but a sequence is reported. */
export const listItems = (ctx: DecodeContext, node: unknown, path: string): Child[] | undefined => {
  const target = deref(ctx, node);
  if (isNullNode(target)) return undefined;
  if (!isSeq(target)) {
    fail(ctx, node, path, `expected a sequence, got ${describe(target)}`);
    return undefined;
  }
  return target.items.map((item, index) => {
    const itemPath = joinPath(path, index);
    ctx.positions.set(itemPath, positionOf(ctx, item, ctx.positions.get(path)));
    return { node: item, path: itemPath };
  });
};

/** A `map[string]T`: any keys, each at most once (else `key "x" already set in map`). */
export const mapChildren = (
  ctx: DecodeContext,
  node: unknown,
  path: string,
): ReadonlyMap<string, Child> | undefined =>
  childrenOf(ctx, node, path, (key, duplicate) =>
    duplicate ? `key ${JSON.stringify(key)} already set in map` : undefined,
  );
