import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Container } from 'kubernetes-types/core/v1.js';

/** One bind mount of a container: host `source` onto `target` inside its private mount namespace. */
export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** The container's volumeMounts as bind mounts, parents before children. Throws on an unknown volume. */
export const resolveMounts = (
  container: Container,
  volumeDirs: ReadonlyMap<string, string>,
): BindMount[] =>
  (container.volumeMounts ?? [])
    .map((m) => {
      const dir = volumeDirs.get(m.name);
      if (dir === undefined)
        throw new Error(`volumeMount "${m.name}" refers to no volume of the pod`);
      const source = m.subPath ? join(dir, m.subPath) : dir;
      return {
        source,
        target: m.mountPath.replace(/\/+$/, '') || '/',
        readOnly: m.readOnly === true,
      };
    })
    .sort((a, b) => a.target.split('/').length - b.target.split('/').length);

/**
 * Bind mounts for the image's VOLUMEs not covered by a volumeMount (at or above them): each gets
 * `<scratchDir>/<path with / as _>`, like the anonymous volumes a container runtime creates.
 */
export const imageVolumeMounts = (
  volumes: readonly string[],
  mounts: readonly BindMount[],
  scratchDir: string,
): BindMount[] =>
  volumes
    .filter((v) => !mounts.some((m) => v === m.target || v.startsWith(`${m.target}/`)))
    .map((v) => ({ source: join(scratchDir, v.replace(/\//g, '_')), target: v, readOnly: false }));

/** Single-quotes a string for /bin/sh. */
export const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The /bin/sh script run inside the container's new mount+UTS namespaces before exec'ing the program
 * (passed as "$@"): sets the hostname, performs the bind mounts (read-only ones remounted ro), cds.
 */
export const launchScript = (
  mounts: readonly BindMount[],
  workingDir: string,
  hostname: string,
): string => {
  const lines = ['set -e', `hostname ${shQuote(hostname.slice(0, 63))} 2>/dev/null || true`];
  for (const m of mounts) {
    lines.push(`mount --bind ${shQuote(m.source)} ${shQuote(m.target)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shQuote(m.target)}`);
  }
  lines.push(`cd ${shQuote(workingDir)}`, 'exec "$@"');
  return lines.join('\n');
};

const exists = async (p: string) =>
  stat(p).then(
    (s) => s,
    () => undefined,
  );

/** Creates `path` (a directory, or an empty file when `asFile`) and records every level it had to create. */
const createRecorded = async (path: string, asFile: boolean, record: string): Promise<void> => {
  const created: string[] = [];
  let p = asFile ? dirname(path) : path;
  while (!(await exists(p))) {
    created.unshift(p);
    p = dirname(p);
  }
  if (created.length > 0) {
    await appendFile(record, created.map((c) => `${c}\n`).join(''));
    await mkdir(created[created.length - 1] ?? path, { recursive: true });
  }
  if (asFile && !(await exists(path))) {
    await appendFile(record, `${path}\n`);
    await writeFile(path, '');
  }
};

/**
 * Makes sure every mount target exists. A target nested in an earlier mount is created inside that
 * mount's source (the volume directory); any other missing target is created on the host and listed in
 * `record` (one path per line) so `cluster:down` can remove it.
 */
export const ensureMountPoints = async (
  mounts: readonly BindMount[],
  record: string,
): Promise<void> => {
  for (const [i, m] of mounts.entries()) {
    const asFile = (await exists(m.source))?.isFile() === true;
    const parent = mounts
      .slice(0, i)
      .reverse()
      .find((p) => m.target.startsWith(`${p.target}/`));
    if (parent === undefined) {
      if (!(await exists(m.target))) await createRecorded(m.target, asFile, record);
      continue;
    }
    const inside = join(parent.source, relative(parent.target, m.target));
    if (await exists(inside)) continue;
    if (asFile) {
      await mkdir(dirname(inside), { recursive: true });
      await writeFile(inside, '');
    } else {
      await mkdir(inside, { recursive: true });
    }
  }
};
