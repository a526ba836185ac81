/**
 * Serving cert/key rotation: the files are re-read when their mtime, size or inode changes
 * (checked every interval, covering a Secret volume's atomic symlink swap), verified to form a
 * pair, and handed to the server (`setSecureContext`). A bad pair is logged and the old one
 * kept, as the apiserver's dynamic certificate controller does.
 */
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../log.ts';
import type { CertKeyPem } from './self-signed.ts';

export interface KeyPairFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Reads a cert/key pair and checks that they belong together (throws otherwise). */
export const readKeyPair = async (files: KeyPairFiles): Promise<CertKeyPem> => {
  const [cert, key] = await Promise.all([
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
  ]);
  createSecureContext({ cert, key });
  return { cert, key };
};

const fingerprint = async (files: KeyPairFiles): Promise<string> => {
  const stats = await Promise.all([stat(files.certFile), stat(files.keyFile)]);
  return stats.map((s) => `${s.mtimeMs}:${s.size}:${s.ino}`).join('|');
};

export interface CertReloaderOptions {
  readonly files: KeyPairFiles;
  readonly intervalMs: number;
  /** Receives each new, verified pair. */
  readonly apply: (pair: CertKeyPem) => void;
  readonly logger: Logger;
}

export interface CertReloader {
  /** Checks the files once now (the timer calls this). */
  check(): Promise<void>;
  stop(): void;
}

/** Starts watching; the first check only records the files' state. */
export const startCertReloader = async (options: CertReloaderOptions): Promise<CertReloader> => {
  const { files, logger } = options;
  let last = await fingerprint(files);
  const check = async (): Promise<void> => {
    try {
      const current = await fingerprint(files);
      if (current === last) return;
      options.apply(await readKeyPair(files));
      last = current;
      logger.info('Loaded a new cert/key pair', {
        certFile: files.certFile,
        keyFile: files.keyFile,
      });
    } catch (err) {
      logger.error('Failed to reload the serving cert/key pair, keeping the current one', { err });
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return {
    check,
    stop: () => {
      clearInterval(timer);
    },
  };
};
