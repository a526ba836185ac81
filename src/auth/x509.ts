/**
 * The x509 client-certificate authenticator: a certificate that verifies against the client CA
 * (`--client-ca-file` or the ConfigMap's `client-ca-file`) is the user CN in groups O
 * (apiserver x509.CommonNameUserConversion). Pure.
 */
import type { CaPool } from './cert-chain.ts';
import { SKIP, type AuthnStep } from './identity.ts';
import type { PeerCertificates } from './peer-certs.ts';

/**
 * `skip` without a client CA or certificate, or when the CN is empty; `error` when the chain
 * does not verify against the client CA (a front-proxy certificate is not a client-CA user).
 */
export const authenticateClientCert = (
  certs: PeerCertificates,
  clientCa: CaPool | undefined,
): AuthnStep => {
  if (clientCa === undefined || !certs.present) return SKIP;
  const verdict = certs.verify(clientCa);
  if (!verdict.ok)
    return { kind: 'error', reason: `verifying certificate failed: ${verdict.reason}` };
  const { commonName, organizations } = verdict.subject;
  if (commonName === '') return SKIP;
  return { kind: 'authenticated', user: { name: commonName, groups: organizations, extra: {} } };
};
