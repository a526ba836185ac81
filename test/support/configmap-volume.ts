/**
 * Test support: a directory laid out as the kubelet lays out a ConfigMap volume — each version of
 * the data in a timestamped directory, `..data` pointing at the current one, and every key a
 * symlink through it (`config.yaml -> ..data/config.yaml`). `publish` makes a new version and
 * swaps `..data` to it atomically (a new symlink renamed over the old), as the kubelet does.
 */
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ConfigMapVolume {
  readonly dir: string;
  /** The path a pod reads: `<dir>/<key>`. */
  readonly file: string;
  publish(text: string): Promise<void>;
  remove(): Promise<void>;
}

export const configMapVolume = async (
  key = 'config.yaml',
  parent = tmpdir(),
): Promise<ConfigMapVolume> => {
  const dir = await mkdtemp(join(parent, 'k8spa-cm-'));
  let version = 0;
  const publish = async (text: string): Promise<void> => {
    version++;
    const data = `..2026_12_04_18_00_${String(version).padStart(2, '0')}.${process.pid}`;
    await mkdir(join(dir, data));
    await writeFile(join(dir, data, key), text);
    await symlink(data, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    if (version === 1) await symlink(join('..data', key), join(dir, key));
  };
  return {
    dir,
    file: join(dir, key),
    publish,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
};
