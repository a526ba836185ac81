/**
 * Server-side printing for metrics.k8s.io: the meta.k8s.io Table that `kubectl get nodemetrics`
 * / `kubectl get podmetrics` ask for with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
 * Columns Name, cpu, memory, Window as metrics-server's table.go; each row carries the object as
 * `includeObject` says (default Metadata: a PartialObjectMetadata). Pure.
 */
import { formatGoDuration } from '../lib/go-fmt/go-fmt.ts';
import { formatMilliQuantity } from '../kubernetes/quantity.ts';
import type { ResourceUsage } from './resource-provider.ts';
import { parseRange } from './negotiate.ts';

export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** One row's data and the full object it stands for. */
export interface TableEntry {
  readonly name: string;
  readonly usage: ResourceUsage;
  readonly windowMs: number;
  /** The NodeMetrics/PodMetrics JSON with kind and apiVersion. */
  readonly object: { readonly metadata: unknown };
}

const column = (name: string, format: string, description = '') => ({
  name,
  type: 'string',
  format,
  description,
  priority: 0,
});

const COLUMNS = [
  column('Name', 'name', 'Name of the resource'),
  column('cpu', 'quantity'),
  column('memory', 'quantity'),
  column('Window', 'duration'),
];

const JSON_LIKE = new Set(['application/json', 'application/*', '*/*']);

/**
 * The Table version the Accept header prefers, or undefined for a plain object. Media ranges are
 * read in order: the first one we can serve decides (a Table in meta.k8s.io v1 or v1beta1, or
 * plain JSON); others (protobuf, other `as=` kinds, `q=0`) are skipped.
 */
export const tableVersionFor = (accept: string | undefined): TableVersion | undefined => {
  for (const range of (accept ?? '').split(',').map(parseRange)) {
    if (range.params.get('q') === '0' || !JSON_LIKE.has(range.type)) continue;
    const as = range.params.get('as');
    if (as === undefined) return undefined;
    const version = range.params.get('v');
    if (
      as === 'Table' &&
      range.params.get('g') === 'meta.k8s.io' &&
      (version === 'v1' || version === 'v1beta1')
    ) {
      return version;
    }
  }
  return undefined;
};

/** `includeObject` as the apiserver reads it; anything unknown reads as the default, Metadata. */
export const includeObjectFrom = (query: URLSearchParams): IncludeObject => {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
};

const rowObject = (entry: TableEntry, version: TableVersion, include: IncludeObject) => {
  if (include === 'None') return null;
  if (include === 'Object') return entry.object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: entry.object.metadata,
  };
};

/** The Table for these entries (in the order given). */
export const metricsTable = (
  entries: readonly TableEntry[],
  version: TableVersion,
  include: IncludeObject,
) => ({
  kind: 'Table',
  apiVersion: `meta.k8s.io/${version}`,
  metadata: {},
  columnDefinitions: COLUMNS,
  rows: entries.map((e) => ({
    cells: [
      e.name,
      formatMilliQuantity(e.usage.cpu, 'DecimalSI'),
      formatMilliQuantity(e.usage.memory, 'BinarySI'),
      formatGoDuration(e.windowMs),
    ],
    object: rowObject(e, version, include),
  })),
});
