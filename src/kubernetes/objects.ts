import type { KubeClient } from './client.ts';
import { KubernetesError } from './kubernetes-error.ts';
import type { ResourceInfo } from './types.ts';

/** Page size for list calls. */
export const LIST_PAGE_SIZE = 500;

/**
 * Asks for PartialObjectMetadataList (metadata only, much smaller than full objects), falling
 * back to plain JSON on servers that do not support it.
 */
const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** The collection path: `/api/v1[/namespaces/{ns}]/{resource}` or `/apis/{g}/{v}[/namespaces/{ns}]/{resource}`. */
export const collectionPath = (info: ResourceInfo, namespace: string): string => {
  const base =
    info.group === ''
      ? `/api/${encodeURIComponent(info.version)}`
      : `/apis/${encodeURIComponent(info.group)}/${encodeURIComponent(info.version)}`;
  const ns = namespace === '' ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${ns}/${encodeURIComponent(info.resource)}`;
};

interface Page {
  readonly names: string[];
  readonly continueToken: string;
}

const toPage = (doc: unknown, path: string): Page => {
  const { items, metadata } = (typeof doc === 'object' && doc !== null ? doc : {}) as {
    items?: unknown;
    metadata?: { continue?: unknown };
  };
  // An empty list comes as `"items": null` from the real kube-apiserver (metadata-only lists).
  if (items !== null && !Array.isArray(items))
    throw new KubernetesError(0, '', `${path}: list without items`);
  const names = (items ?? []).map((item: unknown) => {
    const name = (item as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof name === 'string' ? name : '';
  });
  const token = metadata?.continue;
  return { names, continueToken: typeof token === 'string' ? token : '' };
};

/**
 * Names of the objects of `info` matching `labelSelector` (may be ''), in API order, in
 * `namespace` or across all namespaces / cluster-scoped when `namespace` is ''. Pages through
 * the list with `limit`/`continue`; only `metadata.name` is read.
 */
export const listObjectNames = async (
  client: Pick<KubeClient, 'getJson'>,
  info: ResourceInfo,
  namespace: string,
  labelSelector: string,
  signal?: AbortSignal,
): Promise<string[]> => {
  const path = collectionPath(info, namespace);
  const names: string[] = [];
  let continueToken = '';
  do {
    const query: Record<string, string> = { limit: String(LIST_PAGE_SIZE) };
    if (labelSelector !== '') query['labelSelector'] = labelSelector;
    if (continueToken !== '') query['continue'] = continueToken;
    const page = toPage(
      await client.getJson(path, { query, signal, accept: METADATA_ACCEPT }),
      path,
    );
    names.push(...page.names);
    continueToken = page.continueToken;
  } while (continueToken !== '');
  return names;
};
