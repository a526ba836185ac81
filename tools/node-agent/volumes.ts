import { mkdir } from 'node:fs/promises';
import { payloadHash, writeAtomic, type PayloadFile } from './atomic-writer.ts';
import { join } from 'node:path';
import type {
  KeyToPath,
  Pod,
  ProjectedVolumeSource,
  Volume,
  VolumeProjection,
} from 'kubernetes-types/core/v1.js';
import { fieldValue, type PodFacts } from './env.ts';

/** Reads the apiserver objects volumes are made of; data values are plain text (Secrets decoded). */
export interface VolumeData {
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A bound service-account token (TokenRequest API) for the pod. */
  token(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** A volume that cannot be prepared yet (missing ConfigMap/Secret …); the kubelet's FailedMount. */
export class VolumeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VolumeError';
  }
}

type FileSpec = PayloadFile;

/** Files a set of key→value data gives: every key, or only `items` (each key must exist unless optional). */
export const projectKeys = (
  data: Readonly<Record<string, string>>,
  items: readonly KeyToPath[] | undefined,
  mode: number,
  what: string,
): FileSpec[] => {
  if (items === undefined)
    return Object.entries(data).map(([key, content]) => ({ path: key, content, mode }));
  return items.map((item) => {
    const content = data[item.key];
    if (content === undefined) throw new VolumeError(`${what}: key ${item.key} not found`);
    return { path: item.path, content, mode: item.mode ?? mode };
  });
};

/** The files of a ConfigMap or Secret (`what`): `{}` when it is absent and optional. */
const keyedFiles = async (
  what: string,
  get: () => Promise<Record<string, string> | undefined>,
  source: {
    readonly optional?: boolean | undefined;
    readonly items?: readonly KeyToPath[] | undefined;
  },
  mode: number,
): Promise<FileSpec[]> => {
  const data = await get();
  if (data === undefined && source.optional !== true) throw new VolumeError(`${what} not found`);
  return projectKeys(data ?? {}, source.items, mode, what);
};

const projectionFiles = async (
  pod: Pod,
  facts: PodFacts,
  p: VolumeProjection,
  data: VolumeData,
  mode: number,
) => {
  const ns = pod.metadata?.namespace ?? 'default';
  if (p.serviceAccountToken) {
    const t = p.serviceAccountToken;
    const token = await data.token(pod, t.audience, t.expirationSeconds ?? 3607);
    return [{ path: t.path, content: token, mode }];
  }
  if (p.configMap) {
    const name = p.configMap.name ?? '';
    return keyedFiles(`configmap "${name}"`, () => data.configMap(ns, name), p.configMap, mode);
  }
  if (p.secret) {
    const name = p.secret.name ?? '';
    return keyedFiles(`secret "${name}"`, () => data.secret(ns, name), p.secret, mode);
  }
  if (p.downwardAPI) {
    return (p.downwardAPI.items ?? []).map((item) => ({
      path: item.path,
      content: item.fieldRef ? fieldValue(pod, facts, item.fieldRef.fieldPath) : '',
      mode: item.mode ?? mode,
    }));
  }
  return [];
};

const projectedFiles = async (
  pod: Pod,
  facts: PodFacts,
  src: ProjectedVolumeSource,
  data: VolumeData,
) => {
  const files: FileSpec[] = [];
  for (const p of src.sources ?? [])
    files.push(...(await projectionFiles(pod, facts, p, data, src.defaultMode ?? 0o644)));
  return files;
};

/** The files of a volume, or undefined for a plain directory (emptyDir). Throws VolumeError if unsupported. */
export const volumeFiles = async (
  pod: Pod,
  facts: PodFacts,
  v: Volume,
  data: VolumeData,
): Promise<FileSpec[] | undefined> => {
  const ns = pod.metadata?.namespace ?? 'default';
  if (v.emptyDir) return undefined;
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const mode = v.configMap.defaultMode ?? 0o644;
    return keyedFiles(`configmap "${name}"`, () => data.configMap(ns, name), v.configMap, mode);
  }
  if (v.secret) {
    const name = v.secret.secretName ?? '';
    const mode = v.secret.defaultMode ?? 0o644;
    return keyedFiles(`secret "${name}"`, () => data.secret(ns, name), v.secret, mode);
  }
  if (v.projected) return projectedFiles(pod, facts, v.projected, data);
  if (v.downwardAPI)
    return projectedFiles(pod, facts, { sources: [{ downwardAPI: v.downwardAPI }] }, data);
  throw new VolumeError(
    `volume "${v.name}": only emptyDir, configMap, secret, projected, downwardAPI and hostPath are supported`,
  );
};

/**
 * Prepares every volume of the pod under `podDir/volumes/<name>` (hostPath volumes point at the host
 * path itself) and returns name → host directory. Volumes made of files are written as the
 * kubelet's atomic writer does (atomic-writer.ts); `hashes` receives each one's payload hash, for
 * `refreshVolumes`.
 */
export const prepareVolumes = async (
  pod: Pod,
  facts: PodFacts,
  podDir: string,
  data: VolumeData,
  hashes: Map<string, string> = new Map(),
): Promise<Map<string, string>> => {
  const dirs = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    if (v.hostPath) {
      dirs.set(v.name, v.hostPath.path);
      continue;
    }
    const dir = join(podDir, 'volumes', v.name);
    const files = await volumeFiles(pod, facts, v, data);
    if (files === undefined) await mkdir(dir, { recursive: true });
    else {
      await writeAtomic(dir, files, 0, invalidPath);
      hashes.set(v.name, payloadHash(files));
    }
    dirs.set(v.name, dir);
  }
  return dirs;
};

const invalidPath = (path: string) => new VolumeError(`invalid volume path ${path}`);

/**
 * Brings the pod's ConfigMap and Secret volumes up to date, as the kubelet's periodic sync does:
 * a volume whose payload changed (its hash differs from `hashes`) gets the new version by an
 * atomic `..data` swap. Projected volumes (tokens) are left alone. Returns the names updated.
 */
export const refreshVolumes = async (
  of: {
    readonly pod: Pod;
    readonly facts: PodFacts;
    readonly podDir: string;
    readonly data: VolumeData;
  },
  hashes: Map<string, string>,
  seq: number,
): Promise<string[]> => {
  const { pod, facts, podDir, data } = of;
  const updated: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (!v.configMap && !v.secret) continue;
    const files = (await volumeFiles(pod, facts, v, data)) ?? [];
    const hash = payloadHash(files);
    if (hashes.get(v.name) === hash) continue;
    await writeAtomic(join(podDir, 'volumes', v.name), files, seq, invalidPath);
    hashes.set(v.name, hash);
    updated.push(v.name);
  }
  return updated;
};
