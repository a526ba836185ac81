/**
 * `--prometheus-client-tls-cert-file/-key-file` re-read when they change (upstream loads them
 * once: "auto-renewal is not supported"). New connections use the current pair; connections
 * already open keep theirs until they close.
 */
import { createSecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { createFileSource, type FileSourceOptions } from '../kubernetes/file-source.ts';

export interface ClientPairFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ClientPair {
  readonly cert: string;
  readonly key: string;
}

/** The current pair; a half-rotated pair (cert and key that do not match) keeps the last good one. */
export const clientPairSource = (
  files: ClientPairFiles,
  options: FileSourceOptions = {},
): (() => Promise<ClientPair>) => {
  const cert = createFileSource(files.certFile, (t) => t, options);
  const key = createFileSource(files.keyFile, (t) => t, options);
  let good: ClientPair | undefined;
  return async () => {
    const next = { cert: await cert(), key: await key() };
    if (good !== undefined && good.cert === next.cert && good.key === next.key) return good;
    try {
      createSecureContext(next);
      good = next;
    } catch (err) {
      if (good === undefined) throw err;
    }
    return good;
  };
};

/** An undici connector that dials with `tls` plus the current client pair. */
export const reloadingConnector = (
  tls: buildConnector.BuildOptions,
  pair: () => Promise<ClientPair>,
): buildConnector.connector => {
  let last: { readonly pair: ClientPair; readonly connect: buildConnector.connector } | undefined;
  return (options, callback) => {
    pair().then(
      (current) => {
        if (last?.pair !== current)
          last = { pair: current, connect: buildConnector({ ...tls, ...current }) };
        last.connect(options, callback);
      },
      (err: unknown) => {
        callback(err instanceof Error ? err : new Error(String(err)), null);
      },
    );
  };
};
