/**
 * Reading `yaml` document nodes the way gopkg.in/yaml.v2 `UnmarshalStrict` decodes into Go
 * structs: aliases and `<<` merge keys are followed, any non-null scalar may fill a string field
 * (its text is used verbatim), null means "zero value", and every problem is recorded with its
 * line and column instead of stopping at the first one.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, YAMLMap } from 'yaml';
import type { ConfigProblem, Position } from './config-error.ts';

/** State of one decoding pass. `problems` and `positions` are filled as the walk proceeds. */
export interface DecodeContext {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly file: string;
  readonly problems: ConfigProblem[];
  /** config path → position of the node written there. */
  readonly positions: Map<string, Position>;
  /** Each decoded list item → its config path (an item that failed to decode leaves no gap). */
  readonly itemPaths: WeakMap<object, string>;
}

/** A mapping entry; `merged` entries came in through a `<<` merge key. */
export interface Entry {
  readonly key: string;
  readonly keyNode: unknown;
  readonly value: unknown;
  readonly merged: boolean;
}

const YAML11_TRUE = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
]);
const YAML11_FALSE = new Set([
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
]);

/** `a.b`, `a[0]`, or `a["odd key"]` for keys that are not plain identifiers. */
export const joinPath = (path: string, key: string | number): string => {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
};

/** Follows an alias to the node it names. */
export const deref = (ctx: DecodeContext, node: unknown): unknown =>
  isAlias(node) ? node.resolve(ctx.doc) : node;

/** True for an absent value or a YAML null (`~`, `null`, empty). */
export const isNullNode = (node: unknown): boolean =>
  node === undefined || node === null || (isScalar(node) && node.value === null);

/** Position of a node's first character, or `fallback` when it has none. */
export const positionOf = (ctx: DecodeContext, node: unknown, fallback?: Position): Position => {
  const offset =
    isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range?.[0] : undefined;
  if (offset === undefined) return fallback ?? { line: 1, col: 1 };
  const { line, col } = ctx.lines.linePos(offset);
  return { line, col };
};

/** Records a problem at a position. */
export const failAt = (ctx: DecodeContext, pos: Position, path: string, message: string): void => {
  ctx.problems.push({ file: ctx.file, line: pos.line, col: pos.col, path, message });
};

/** Records a problem at `node`'s position (or at the position recorded for `path`). */
export const fail = (ctx: DecodeContext, node: unknown, path: string, message: string): void => {
  failAt(ctx, positionOf(ctx, node, ctx.positions.get(path)), path, message);
};

/** The text yaml.v2 would assign to a Go string from this scalar. */
const scalarText = (node: unknown): string | undefined => {
  if (!isScalar(node)) return undefined;
  if (typeof node.source === 'string') return node.source;
  return typeof node.value === 'string' ? node.value : String(node.value);
};

/** Human description of a node for "expected X, got Y" messages. */
export const describe = (node: unknown): string => {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  return JSON.stringify(scalarText(node) ?? '');
};

const isMergeKey = (node: unknown): boolean =>
  isScalar(node) && node.type === 'PLAIN' && node.source === '<<';

/** Entries pulled in by a `<<` value: a mapping, or a sequence of mappings (earlier ones win). */
const mergeEntries = (ctx: DecodeContext, value: unknown, path: string): Entry[] => {
  const target = deref(ctx, value);
  if (isMap(target)) return mappingEntries(ctx, target, path).map((e) => ({ ...e, merged: true }));
  const items = isSeq(target) ? target.items.map((i) => deref(ctx, i)) : [];
  if (!isSeq(target) || !items.every((i) => isMap(i))) {
    fail(ctx, value, path, 'map merge requires map or sequence of maps as the value');
    return [];
  }
  return items.reverse().flatMap((m) => mergeEntries(ctx, m, path));
};

/** The entries of a mapping in document order, with merge keys expanded in place. */
export const mappingEntries = (ctx: DecodeContext, node: YAMLMap, path: string): Entry[] =>
  node.items.flatMap((pair) => {
    const keyNode = deref(ctx, pair.key);
    if (isMergeKey(keyNode)) return mergeEntries(ctx, pair.value, path);
    const key = scalarText(keyNode);
    if (key === undefined) {
      fail(ctx, keyNode, path, `mapping keys must be strings, got ${describe(keyNode)}`);
      return [];
    }
    return [{ key, keyNode, value: pair.value, merged: false }];
  });

/** A string field: any non-null scalar; a mapping or sequence is an error. */
export const stringValue = (
  ctx: DecodeContext,
  node: unknown,
  path: string,
): string | undefined => {
  const target = deref(ctx, node);
  if (isNullNode(target)) return undefined;
  if (isScalar(target)) return scalarText(target);
  const hint =
    isMap(target) && target.flow ? ' (quote values that begin with "{", e.g. \'{a="b"}\')' : '';
  fail(ctx, node, path, `expected a string, got ${describe(target)}${hint}`);
  return undefined;
};

/** A bool field: YAML 1.1 forms (`true`, `yes`, `on`, ...), as yaml.v2 resolves them. */
export const boolValue = (ctx: DecodeContext, node: unknown, path: string): boolean | undefined => {
  const target = deref(ctx, node);
  if (isNullNode(target)) return undefined;
  if (isScalar(target)) {
    if (typeof target.value === 'boolean') return target.value;
    const text = scalarText(target) ?? '';
    if (target.type === 'PLAIN' && YAML11_TRUE.has(text)) return true;
    if (target.type === 'PLAIN' && YAML11_FALSE.has(text)) return false;
  }
  fail(ctx, node, path, `expected a boolean (true or false), got ${describe(target)}`);
  return undefined;
};
