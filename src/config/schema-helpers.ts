/** Small decoders shared by the config schema files (schema.ts, schema-backends.ts). */
import { deref, fail, failAt, joinPath, positionOf, stringValue } from './yaml-nodes.ts';
import type { DecodeContext } from './yaml-nodes.ts';
import { listItems, type Child } from './yaml-shapes.ts';

export type Fields = ReadonlyMap<string, Child>;

/** `{ key: value }`, or `{}` when the value is unset. */
export const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export const nonEmpty = <T extends object>(value: T): T | undefined =>
  Object.keys(value).length === 0 ? undefined : value;

/** An optional string field; "" counts as unset. */
export const optString = (ctx: DecodeContext, fields: Fields, key: string): string | undefined => {
  const child = fields.get(key);
  const value = child === undefined ? undefined : stringValue(ctx, child.node, child.path);
  return value === '' ? undefined : value;
};

/** A field that must be present; reports `required field is missing` at its parent. */
export const requiredChild = (
  ctx: DecodeContext,
  fields: Fields,
  key: string,
  parent: Child,
): Child | undefined => {
  const child = fields.get(key);
  if (child !== undefined) return child;
  const at = ctx.positions.get(parent.path) ?? positionOf(ctx, deref(ctx, parent.node));
  failAt(ctx, at, joinPath(parent.path, key), 'required field is missing');
  return undefined;
};

/** A string field that must be present and non-empty. */
export const reqString = (
  ctx: DecodeContext,
  fields: Fields,
  key: string,
  parent: Child,
): string | undefined => {
  const child = requiredChild(ctx, fields, key, parent);
  if (child === undefined) return undefined;
  const before = ctx.problems.length;
  const value = stringValue(ctx, child.node, child.path);
  if (ctx.problems.length === before && (value ?? '') === '') {
    fail(ctx, child.node, child.path, 'must not be empty');
  }
  return value === '' ? undefined : value;
};

export const decodeList = <T>(
  ctx: DecodeContext,
  at: Child | undefined,
  item: (ctx: DecodeContext, at: Child) => T | undefined,
): T[] => {
  const items = at === undefined ? undefined : listItems(ctx, at.node, at.path);
  return (items ?? []).flatMap((child) => {
    const decoded = item(ctx, child);
    if (decoded === undefined) return [];
    if (typeof decoded === 'object' && decoded !== null) ctx.itemPaths.set(decoded, child.path);
    return [decoded];
  });
};
