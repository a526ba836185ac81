/**
 * Combines the authentication inputs into one AuthnConfig snapshot, as upstream's
 * DelegatingAuthenticationOptions: a CA file flag wins over the ConfigMap for its part (and a
 * `--requestheader-client-ca-file` brings all `--requestheader-*` flags with it); the ConfigMap
 * fills the parts the flags leave unset. A bad update keeps the previous good part.
 */
import type { Logger } from '../log.ts';
import type { Options } from '../cli/options.ts';
import {
  createPoolMemo,
  EMPTY_AUTHN_CONFIG,
  parseExtensionAuthData,
  requestHeaderConfigOf,
  type AuthnConfig,
} from './authn-config.ts';
import type { CaPool } from './cert-chain.ts';
import type { RequestHeaderConfig } from './request-header.ts';

/** The delegated-authentication flags, as parsed in options.ts. */
export type ExtensionAuthFlags = Pick<
  Options,
  | 'clientCaFile'
  | 'requestheaderClientCaFile'
  | 'requestheaderAllowedNames'
  | 'requestheaderUsernameHeaders'
  | 'requestheaderGroupHeaders'
  | 'requestheaderExtraHeadersPrefix'
  | 'authenticationSkipLookup'
  | 'authenticationTolerateLookupFailure'
>;

export type ConfigMapData = Readonly<Record<string, string>>;

/** The raw inputs at one moment. */
export interface AuthnInputs {
  /** Text of `--client-ca-file` (undefined when the flag is unset). */
  readonly clientCaFilePem: string | undefined;
  /** Text of `--requestheader-client-ca-file` (undefined when unset). */
  readonly requestHeaderFilePem: string | undefined;
  /** The ConfigMap's data: `disabled` without lookup, undefined when it does not exist. */
  readonly configMap: ConfigMapData | undefined | 'disabled';
}

const CM = 'configmap/extension-apiserver-authentication';

/** Recomputes only when the input changes (by identity); a throw keeps the last good value. */
const lastGood = <I, O>(
  compute: (input: I) => O,
  initial: O,
  onError: (err: unknown) => void,
): ((input: I) => O) => {
  let key: { readonly input: I } | undefined;
  let value = initial;
  return (input) => {
    if (key !== undefined && key.input === input) return value;
    key = { input };
    try {
      value = compute(input);
    } catch (err) {
      onError(err);
    }
    return value;
  };
};

/** Returns `combine(inputs)`: the same AuthnConfig object until a part changes. */
export const createAuthnCombiner = (
  flags: ExtensionAuthFlags,
  log: Logger,
): ((inputs: AuthnInputs) => AuthnConfig) => {
  const poolFor = createPoolMemo();
  const onError = (what: string) => (err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    log.error(`Keeping the previous ${what}`, { error });
  };
  const clientCa = lastGood<string, CaPool | undefined>(
    (pem) => poolFor(pem, flags.clientCaFile === '' ? `${CM} client-ca-file` : flags.clientCaFile),
    undefined,
    onError('client CA'),
  );
  const headerFlags = {
    allowedNames: flags.requestheaderAllowedNames,
    usernameHeaders: flags.requestheaderUsernameHeaders,
    groupHeaders: flags.requestheaderGroupHeaders,
    extraPrefixes: flags.requestheaderExtraHeadersPrefix,
  };
  const headerFromFile = lastGood<string, RequestHeaderConfig | undefined>(
    (pem) => requestHeaderConfigOf(poolFor(pem, flags.requestheaderClientCaFile), headerFlags),
    undefined,
    onError('requestheader CA'),
  );
  const headerFromConfigMap = lastGood<ConfigMapData | undefined, RequestHeaderConfig | undefined>(
    (data) => {
      const parsed = parseExtensionAuthData(data);
      const pool = poolFor(parsed.requestHeaderCaPem, `${CM} requestheader-client-ca-file`);
      return requestHeaderConfigOf(pool, parsed);
    },
    undefined,
    onError('requestheader configuration'),
  );
  let last = EMPTY_AUTHN_CONFIG;

  return ({ clientCaFilePem, requestHeaderFilePem, configMap }) => {
    const data = configMap === 'disabled' ? undefined : configMap;
    const client =
      clientCaFilePem !== undefined
        ? clientCa(clientCaFilePem)
        : configMap === 'disabled'
          ? undefined
          : clientCa(data?.['client-ca-file'] ?? '');
    const requestHeader =
      requestHeaderFilePem !== undefined
        ? headerFromFile(requestHeaderFilePem)
        : configMap === 'disabled'
          ? undefined
          : headerFromConfigMap(data);
    if (client !== last.clientCa || requestHeader !== last.requestHeader) {
      last = Object.freeze({ clientCa: client, requestHeader });
    }
    return last;
  };
};
