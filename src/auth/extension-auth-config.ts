/**
 * The live authentication settings (upstream-behaviour: authn): `--client-ca-file` and
 * `--requestheader-client-ca-file` (re-read when the files change) or, for whichever is not set,
 * the ConfigMap `kube-system/extension-apiserver-authentication`, read at start and watched (an
 * informer: relist on 410, backoff on failures) so a rotated CA applies without a restart.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AuthnConfig } from './authn-config.ts';
import { parseExtensionAuthData } from './authn-config.ts';
import { parseCaBundle } from './cert-chain.ts';
import {
  createAuthnCombiner,
  type ConfigMapData,
  type ExtensionAuthFlags,
} from './config-combiner.ts';
import type { Logger } from '../log.ts';
import type { KubeClient } from '../kubernetes/client.ts';
import { createFileSource } from '../kubernetes/file-source.ts';
import { createInformer, type Informer } from '../kubernetes/informer.ts';
import { KubernetesError } from '../kubernetes/kubernetes-error.ts';

export interface ExtensionAuthOptions {
  readonly flags: ExtensionAuthFlags;
  /** The authentication-kubeconfig (or in-cluster) client; undefined disables the lookup. */
  readonly client: Pick<KubeClient, 'getJson' | 'watch'> | undefined;
  readonly log: Logger;
  /** Stops the watch and the file polling. */
  readonly signal: AbortSignal;
  /** How often CA files are checked for changes (default 10 000 ms). */
  readonly fileRecheckMs?: number;
  /** Watch retry delays (default 500 ms doubling to 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** Where the settings in force come from. */
export interface AuthConfigSource {
  /** The current snapshot; the same object until something changes. */
  current(): AuthnConfig;
}

/** Startup failed: the ConfigMap lookup failed without `--authentication-tolerate-lookup-failure`. */
export class ExtensionAuthConfigError extends Error {
  override readonly name = 'ExtensionAuthConfigError';
}

const NAMESPACE = 'kube-system';
const NAME = 'extension-apiserver-authentication';
const OBJECT_PATH = `/api/v1/namespaces/${NAMESPACE}/configmaps/${NAME}`;

type Data = ConfigMapData;
interface Snapshot {
  readonly data: Data;
}

const dataOf = (object: unknown): Snapshot => {
  const raw = (object as { data?: unknown } | null)?.data;
  const entries = typeof raw === 'object' && raw !== null ? Object.entries(raw) : [];
  return Object.freeze({
    data: Object.fromEntries(
      entries.filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
  });
};

/** upstream's RunOnce: a missing ConfigMap is empty; 403 logs the RoleBinding hint. */
const lookup = async (
  client: Pick<KubeClient, 'getJson'>,
  log: Logger,
): Promise<Data | undefined> => {
  try {
    const data = dataOf(await client.getJson(OBJECT_PATH)).data;
    parseExtensionAuthData(data);
    return data;
  } catch (err) {
    if (err instanceof KubernetesError && err.status === 404) return undefined;
    if (err instanceof KubernetesError && err.status === 403) {
      log.error(
        `Unable to get configmap/${NAME} in ${NAMESPACE}. Usually fixed by 'kubectl create rolebinding -n ${NAMESPACE} ROLEBINDING_NAME --role=extension-apiserver-authentication-reader --serviceaccount=YOUR_NS:YOUR_SA'`,
      );
    }
    throw err;
  }
};

/**
 * A CA bundle file, re-read when it changes (polled every `ms` until `signal` aborts). Throws at
 * once if it is unreadable or holds no certificate.
 */
const watchCaFile = async (
  path: string,
  ms: number,
  signal: AbortSignal,
): Promise<() => string> => {
  const read = createFileSource(path, (text) => text, { recheckMs: 0 });
  let text = await read();
  parseCaBundle(text, path);
  const poll = async (): Promise<void> => {
    while (!signal.aborted) {
      await delay(ms, undefined, { signal }).catch(() => undefined);
      if (!signal.aborted) text = await read();
    }
  };
  void poll();
  return () => text;
};

const configMapInformer = (
  options: ExtensionAuthOptions,
  client: Pick<KubeClient, 'getJson' | 'watch'>,
): Informer<Snapshot> =>
  createInformer<Snapshot>({
    client,
    path: `/api/v1/namespaces/${NAMESPACE}/configmaps`,
    query: { fieldSelector: `metadata.name=${NAME}` },
    convert: dataOf,
    keyOf: () => NAME,
    logger: options.log,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  });

/**
 * The startup lookup, as upstream's RunOnce: its failure is fatal only when the requestheader
 * settings come from the ConfigMap and `--authentication-tolerate-lookup-failure` is off.
 */
const initialData = async (
  options: ExtensionAuthOptions,
  client: Pick<KubeClient, 'getJson'>,
): Promise<Data | undefined> => {
  const { flags, log } = options;
  try {
    return await lookup(client, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (flags.requestheaderClientCaFile === '' && !flags.authenticationTolerateLookupFailure) {
      throw new ExtensionAuthConfigError(
        `unable to load configmap based request-header-client-ca-file: ${message}`,
        { cause: err },
      );
    }
    log.error('Error looking up in-cluster authentication configuration', { error: message });
    log.error(
      'Continuing without authentication configuration. This may treat all requests as anonymous.',
    );
    log.error(
      'To require authentication configuration lookup to succeed, set --authentication-tolerate-lookup-failure=false',
    );
    return undefined;
  }
};

/**
 * Reads the settings (CA files; the ConfigMap when a part is not set by flags and the lookup is
 * not skipped) and keeps them current until `signal` aborts. Rejects when startup must fail:
 * ExtensionAuthConfigError (lookup), CaBundleError or a file error (flags).
 */
export const startAuthConfigSource = async (
  options: ExtensionAuthOptions,
): Promise<AuthConfigSource> => {
  const { flags, log, signal } = options;
  const recheck = options.fileRecheckMs ?? 10_000;
  const combine = createAuthnCombiner(flags, log);
  const fileOf = (path: string) => (path === '' ? undefined : watchCaFile(path, recheck, signal));
  const clientFile = await fileOf(flags.clientCaFile);
  const headerFile = await fileOf(flags.requestheaderClientCaFile);
  const needsLookup = clientFile === undefined || headerFile === undefined;
  const client = flags.authenticationSkipLookup || !needsLookup ? undefined : options.client;
  if (!flags.authenticationSkipLookup && needsLookup && options.client === undefined) {
    log.error(
      `No authentication-kubeconfig provided in order to lookup configmap/${NAME} in ${NAMESPACE}, so client certificate and front-proxy authentication won't work.`,
    );
  }
  const initial = client === undefined ? undefined : await initialData(options, client);
  const informer = client === undefined ? undefined : configMapInformer(options, client);
  if (informer !== undefined) void informer.run(signal);
  const configMap = (): Data | undefined | 'disabled' => {
    if (informer === undefined) return 'disabled';
    return informer.hasSynced() ? informer.items()[0]?.data : initial;
  };
  const current = (): AuthnConfig =>
    combine({
      clientCaFilePem: clientFile?.(),
      requestHeaderFilePem: headerFile?.(),
      configMap: configMap(),
    });
  current();
  return { current };
};
