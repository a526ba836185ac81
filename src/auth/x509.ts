/**
 * The x509 client-certificate authenticator: a certificate that verifies against the client CA
 * (`--client-ca-file` or the ConfigMap's `client-ca-file`) is the user CN in groups O
 * (apiserver x509.CommonNameUserConversion). Pure.
 */
import type { CaPool, CertSubject } from './cert-chain.ts';
import { SKIP, type AuthnStep, type UserInfo } from './identity.ts';
import type { PeerCertificates } from './peer-certs.ts';

/** The user a verified certificate names: CN, in groups O. */
export const certificateUser = (subject: CertSubject): UserInfo => ({
  name: subject.commonName,
  groups: subject.organizations,
  extra: {},
});

/**
 * `skip` without a client CA or certificate, or when the CN is empty; `error` when the chain
 * does not verify against the client CA (a front-proxy certificate is not a client-CA user).
 * `users` turns the verified subject into the user (a memo of `certificateUser` may stand in).
 */
export const authenticateClientCert = (
  certs: PeerCertificates,
  clientCa: CaPool | undefined,
  users: (subject: CertSubject) => UserInfo = certificateUser,
): AuthnStep => {
  if (clientCa === undefined || !certs.present) return SKIP;
  const verdict = certs.verify(clientCa);
  if (!verdict.ok)
    return { kind: 'error', reason: `verifying certificate failed: ${verdict.reason}` };
  if (verdict.subject.commonName === '') return SKIP;
  return { kind: 'authenticated', user: users(verdict.subject) };
};
