/**
 * A throwaway CA and a client certificate it signed, made with openssl: a front proxy the cluster
 * does not trust until its CA is added to the requestheader CA bundle.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertKey } from './direct-client.ts';
import { run } from './local-cluster.ts';

/** The CA (PEM) and a client cert/key it signed. */
export interface ClientCa {
  readonly caPem: string;
  readonly client: CertKey;
}

const CLIENT_EXT = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=clientAuth',
].join('\n');

/** Writes `dir/{ca,client}.{crt,key}` (EC P-256, valid one day) and returns their PEM text. */
export const makeClientCa = async (
  dir: string,
  caCommonName: string,
  clientCommonName: string,
): Promise<ClientCa> => {
  await mkdir(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, {});
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca.key'));
  await openssl(
    ...['req', '-x509', '-new', '-key', f('ca.key'), '-subj', `/CN=${caCommonName}`],
    ...['-days', '1', '-out', f('ca.crt')],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('client.key'));
  await openssl(
    ...['req', '-new', '-key', f('client.key'), '-subj', `/CN=${clientCommonName}`],
    ...['-out', f('client.csr')],
  );
  await writeFile(f('client.ext'), `${CLIENT_EXT}\n`);
  await openssl(
    ...['x509', '-req', '-in', f('client.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key')],
    ...['-CAcreateserial', '-days', '1', '-extfile', f('client.ext'), '-out', f('client.crt')],
  );
  const [caPem, cert, key] = await Promise.all(
    ['ca.crt', 'client.crt', 'client.key'].map((n) => readFile(f(n), 'utf8')),
  );
  return { caPem: caPem ?? '', client: { cert: cert ?? '', key: key ?? '' } };
};
