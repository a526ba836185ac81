/**
 * The two caches metrics.k8s.io serves from: Running pods (name, namespace, labels,
 * creationTimestamp) and nodes (name, labels). Only that metadata is kept, never whole objects.
 */
import type { KubeClient } from './client.ts';
import { createInformer, type Informer } from './informer.ts';
import type { Logger } from '../log.ts';

/** What the resource metrics API needs of a Running pod. */
export interface PodMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** RFC 3339 as the API server sent it; "" when absent. */
  readonly creationTimestamp: string;
}

/** What the resource metrics API needs of a node. */
export interface NodeMeta {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Asks for metadata only on lists, falling back to full objects on servers without it. */
const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const labelsOf = (v: unknown): Record<string, string> => {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
};

const metadataOf = (object: unknown): Record<string, unknown> | undefined => {
  const meta = (object as { metadata?: unknown } | null)?.metadata;
  return typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : undefined;
};

/** A pod's metadata, or undefined when the object has no name. */
export const podMetaFrom = (object: unknown): PodMeta | undefined => {
  const meta = metadataOf(object);
  const name = str(meta?.['name']);
  if (meta === undefined || name === '') return undefined;
  return {
    name,
    namespace: str(meta['namespace']),
    labels: labelsOf(meta['labels']),
    creationTimestamp: str(meta['creationTimestamp']),
  };
};

/** A node's metadata, or undefined when the object has no name. */
export const nodeMetaFrom = (object: unknown): NodeMeta | undefined => {
  const meta = metadataOf(object);
  const name = str(meta?.['name']);
  if (meta === undefined || name === '') return undefined;
  return { name, labels: labelsOf(meta['labels']) };
};

/** The cache key of a pod: `namespace/name`. */
export const podKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Running pods in all namespaces (`fieldSelector=status.phase=Running`). */
export const createRunningPodInformer = (
  client: Pick<KubeClient, 'getJson' | 'watch'>,
  logger: Logger,
): Informer<PodMeta> =>
  createInformer({
    client,
    path: '/api/v1/pods',
    query: { fieldSelector: 'status.phase=Running' },
    convert: podMetaFrom,
    keyOf: (p) => podKey(p.namespace, p.name),
    listAccept: METADATA_ACCEPT,
    logger,
  });

/** All nodes. */
export const createNodeInformer = (
  client: Pick<KubeClient, 'getJson' | 'watch'>,
  logger: Logger,
): Informer<NodeMeta> =>
  createInformer({
    client,
    path: '/api/v1/nodes',
    convert: nodeMetaFrom,
    keyOf: (n) => n.name,
    listAccept: METADATA_ACCEPT,
    logger,
  });
