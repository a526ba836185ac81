import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** Returns the current secret (token, basic-auth header …); may re-read a file behind the scenes. */
export type SecretProvider = () => Promise<string>;

export interface FileSourceOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
  /** Minimum time between two `stat` calls on the file (default 5000 ms; 0 checks every call). */
  readonly recheckMs?: number;
}

interface Snapshot<T> {
  readonly value: T;
  readonly fingerprint: string;
}

const DEFAULT_RECHECK_MS = 5000;

const fingerprintOf = (s: { mtimeMs: number; size: number; ino: number }): string =>
  `${s.mtimeMs}:${s.size}:${s.ino}`;

/**
 * A value parsed from a file that is re-read when the file changes (mtime, size or inode —
 * covering the atomic symlink swap of Kubernetes secret volumes). The first read is synchronous
 * and throws (construction time); later read or parse failures keep the last good value, as
 * client-go's cached token source does. `stat` runs at most once per `recheckMs`.
 */
export const createFileSource = <T>(
  path: string,
  parse: (text: string) => T,
  options: FileSourceOptions = {},
): (() => Promise<T>) => {
  const now = options.now ?? Date.now;
  const recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
  let current: Snapshot<T> = {
    value: parse(readFileSync(path, 'utf8')),
    fingerprint: fingerprintOf(statSync(path)),
  };
  let checkedAt = now();
  let pending: Promise<T> | undefined;

  const refresh = async (): Promise<T> => {
    try {
      const fingerprint = fingerprintOf(await stat(path));
      if (fingerprint !== current.fingerprint) {
        current = { value: parse(await readFile(path, 'utf8')), fingerprint };
      }
    } catch {
      // Keep serving the last good value; the file may be mid-rotation.
    }
    checkedAt = now();
    pending = undefined;
    return current.value;
  };

  return () => {
    if (now() - checkedAt < recheckMs) return Promise.resolve(current.value);
    pending ??= refresh();
    return pending;
  };
};

/** Parses a bearer-token file: surrounding whitespace (the trailing newline) is trimmed; empty is an error. */
export const parseTokenFile = (text: string): string => {
  const token = text.trim();
  if (token === '') throw new Error('token file is empty');
  return token;
};

/** A `Bearer <token>` provider from a token file, re-read when the file changes. */
export const bearerFromFile = (path: string, options?: FileSourceOptions): SecretProvider => {
  const token = createFileSource(path, parseTokenFile, options);
  return async () => `Bearer ${await token()}`;
};

/** `Basic base64(user:password)`, as Go's SetBasicAuth. */
export const basicAuthHeader = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
