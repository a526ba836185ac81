/**
 * The requestheader CA bundle of `kube-system/extension-apiserver-authentication`, read and
 * patched with kubectl. Note: the kube-apiserver's cluster-authentication-trust controller merges
 * its own CAs back into this ConfigMap when it is created or deleted and once a minute, so the
 * apiserver's front-proxy CA can be taken out of it only for (at most) a minute.
 */
import type { Kubectl } from './security-cluster.ts';

export const REQUESTHEADER_CA_KEY = 'requestheader-client-ca-file';
const CM = ['-n', 'kube-system', 'configmap', 'extension-apiserver-authentication'] as const;

/** The current requestheader CA bundle (PEM). */
export const readRequestHeaderCa = async (kubectl: Kubectl): Promise<string> => {
  const cm = JSON.parse(await kubectl('get', ...CM, '-o', 'json')) as {
    data?: Record<string, string>;
  };
  const pem = cm.data?.[REQUESTHEADER_CA_KEY];
  if (pem === undefined) throw new Error(`the ConfigMap has no ${REQUESTHEADER_CA_KEY}`);
  return pem;
};

/** Replaces the requestheader CA bundle (a merge patch: no resourceVersion conflict). */
export const writeRequestHeaderCa = async (kubectl: Kubectl, pem: string): Promise<void> => {
  const patch = JSON.stringify({ data: { [REQUESTHEADER_CA_KEY]: pem } });
  await kubectl('patch', ...CM, '--type=merge', '-p', patch);
};

/** The certificates of a PEM bundle, each normalised, as a sorted list (order-insensitive compare). */
export const certificatesOf = (pem: string): string[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [])
    .map((c) => c.replace(/\s+/g, ''))
    .sort();
