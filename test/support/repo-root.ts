/**
 * The repository's root folder, found from this file whether it runs compiled (`build/test/…`)
 * or from sources under tsx (`test/…`): the nearest folder above that holds this project's
 * package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const isRoot = (dir: string): boolean => {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
  return pkg.name === 'k8s-prometheus-adapter';
};

const findRoot = (start: string): string => {
  for (let dir = start; ; dir = dirname(dir)) {
    if (isRoot(dir)) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no k8s-prometheus-adapter package.json above ${start}`);
  }
};

export const REPO_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));
