/**
 * The kubelet's atomic writer for ConfigMap, Secret, projected and downwardAPI volumes: each
 * version of the payload goes in a fresh timestamped directory `..<ts>`, `..data` points at the
 * current one, and each top-level entry is a symlink through it (`key -> ..data/key`). An update
 * writes the new directory, then renames a new `..data` symlink over the old one — one atomic
 * step, so a reader sees either the old files or the new ones — then removes what is stale.
 */
import { createHash } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';

export interface PayloadFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** A digest of the whole payload (paths, contents, modes): equal payloads need no update. */
export const payloadHash = (files: readonly PayloadFile[]): string => {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path)))
    h.update(`${f.path}\0${f.mode}\0${f.content.length}\0${f.content}\0`);
  return h.digest('hex');
};

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** `..2026_12_04_18_00_01.123456789`-style name, unique per call. */
const versionName = (now: Date, seq: number): string =>
  `..${now
    .toISOString()
    .replace(/[-:]/g, '_')
    .replace('T', '_')
    .replace(/\.\d+Z$/, '')}.${process.pid}${String(seq).padStart(4, '0')}`;

/**
 * Writes `files` under `dir` as the next version and makes it current. `seq` makes the version
 * directory unique; paths must stay inside `dir` (`invalid` builds the error otherwise).
 */
export const writeAtomic = async (
  dir: string,
  files: readonly PayloadFile[],
  seq: number,
  invalid: (path: string) => Error,
): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const version = versionName(new Date(), seq);
  for (const f of files) {
    const rel = normalize(f.path);
    if (rel.startsWith('..') || rel.startsWith('/')) throw invalid(f.path);
    const target = join(dir, version, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
    await chmod(target, f.mode);
  }
  await mkdir(join(dir, version), { recursive: true });
  const old = (await exists(join(dir, '..data'))) ? await readlink(join(dir, '..data')) : undefined;
  await rm(join(dir, '..data_tmp'), { force: true });
  await symlink(version, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  const top = new Set(files.map((f) => normalize(f.path).split('/')[0] ?? ''));
  for (const name of top)
    if (!(await exists(join(dir, name)))) await symlink(join('..data', name), join(dir, name));
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { force: true }); // a key the new version no longer has
  }
  if (old !== undefined && old !== version)
    await rm(join(dir, old), { recursive: true, force: true });
};
