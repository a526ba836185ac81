/**
 * Watches the config file for new content: its directory is watched (a mounted ConfigMap changes
 * by an atomic swap of the `..data` symlink next to it, which a watch on the file itself would
 * miss), and the file is also read every `intervalMs` in case an event is lost. What was read is
 * compared by content hash, so only real changes are reported — and an unreadable file once per
 * distinct error, until it can be read again.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What reading the file gave: its text and hash, or why it could not be read. */
export type FileRead =
  | { readonly ok: true; readonly text: string; readonly hash: string }
  | { readonly ok: false; readonly error: string };

export interface ConfigWatchOptions {
  readonly file: string;
  /** The hash of the content in use (`contentHash`): no change is reported until it differs. */
  readonly initialHash: string;
  /** Period of the fallback read; 0 turns it off (directory events only). */
  readonly intervalMs: number;
  /** How long to let a burst of directory events settle before reading (default 50 ms). */
  readonly settleMs?: number;
  /** Called with every change, one at a time, in order; `reason` says what noticed it. */
  readonly onChange: (read: FileRead, reason: string) => void | Promise<void>;
}

export interface ConfigWatch {
  /** Reads the file now; `force` reports it even when unchanged (SIGHUP). */
  check(reason: string, force?: boolean): Promise<void>;
}

export const contentHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex');

const readNow = async (file: string): Promise<FileRead> => {
  try {
    const text = await readFile(file, 'utf8');
    return { ok: true, text, hash: contentHash(text) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
};

const keyOf = (read: FileRead): string => (read.ok ? read.hash : `error:${read.error}`);

/** A directory watch that calls `onEvent`; undefined when the platform cannot watch it. */
const watchDirectory = (dir: string, onEvent: () => void): FSWatcher | undefined => {
  try {
    const watcher = watch(dir, { persistent: false }, onEvent);
    watcher.on('error', () => {
      watcher.close();
    });
    return watcher;
  } catch {
    return undefined;
  }
};

/** Starts watching until `signal` aborts. */
export const watchConfigFile = (options: ConfigWatchOptions, signal: AbortSignal): ConfigWatch => {
  let lastKey = options.initialHash;
  let chain: Promise<void> = Promise.resolve();
  const checkOnce = async (reason: string, force: boolean): Promise<void> => {
    const read = await readNow(options.file);
    const key = keyOf(read);
    if (key === lastKey && !force) return;
    lastKey = key;
    await options.onChange(read, reason);
  };
  const check = (reason: string, force = false): Promise<void> => {
    const next = chain.then(() => (signal.aborted ? undefined : checkOnce(reason, force)));
    // A failing onChange rejects its own check only, never the ones queued after it.
    chain = next.catch(() => undefined);
    return next;
  };

  let settling: NodeJS.Timeout | undefined;
  const onEvent = () => {
    if (settling !== undefined || signal.aborted) return;
    settling = setTimeout(() => {
      settling = undefined;
      void check('file changed');
    }, options.settleMs ?? 50);
  };
  const watcher = watchDirectory(dirname(options.file), onEvent);
  const timer =
    options.intervalMs > 0
      ? setInterval(() => void check('periodic check'), options.intervalMs)
      : undefined;
  timer?.unref();
  const stop = () => {
    watcher?.close();
    clearInterval(timer);
    clearTimeout(settling);
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  return { check };
};
