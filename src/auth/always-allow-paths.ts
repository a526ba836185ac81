/**
 * `--authorization-always-allow-paths` (apiserver path.NewAuthorizer): non-resource paths that
 * are allowed without a SubjectAccessReview. Pure.
 */

/** An `--authorization-always-allow-paths` entry with a `*` before its end. */
export class AlwaysAllowPathError extends Error {
  override readonly name = 'AlwaysAllowPathError';
}

/**
 * Compiles the always-allow paths: exact matches, or prefixes when they end in `*` (leading `/`
 * ignored on both sides). Throws AlwaysAllowPathError for a `*` elsewhere.
 */
export const compileAlwaysAllowPaths = (paths: readonly string[]): ((path: string) => boolean) => {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of paths) {
    const p = raw.replace(/^\//, '');
    if (p.slice(0, -1).includes('*')) {
      throw new AlwaysAllowPathError(`only trailing * allowed in ${JSON.stringify(raw)}`);
    }
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return (path) => {
    const p = path.replace(/^\//, '');
    return exact.has(p) || prefixes.some((prefix) => p.startsWith(prefix));
  };
};
