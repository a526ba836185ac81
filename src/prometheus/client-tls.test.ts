import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import { generateSelfSigned } from '../serve/self-signed.ts';
import { createTestPki, type TestPki } from '../../test/support/pki.ts';
import { createPrometheusClient, type PrometheusClientOptions } from './client.ts';
import { PrometheusConfigError, PrometheusError } from './errors.ts';
import type { SeriesSet } from './types.ts';

const SERIES = JSON.stringify({ status: 'success', data: [{ __name__: 'up' }] });

let pki: TestPki;
let dir: string;
let server: Server;
let baseUrl: string;
const authHeaders: (string | undefined)[] = [];

const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

before(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'prom-tls-'));
  server = createServer(
    { ...pki.server, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      authHeaders.push(req.headers.authorization);
      const { socket } = req;
      const authorized = 'authorized' in socket && socket.authorized === true;
      if (req.url?.startsWith('/mtls') === true && !authorized) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(SERIES);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const seriesWith = async (options: Partial<PrometheusClientOptions>): Promise<SeriesSet> => {
  const client = createPrometheusClient({ baseUrl, ...options });
  try {
    return await client.series('up', 0);
  } finally {
    await client.close();
  }
};

describe('TLS with --prometheus-ca-file', () => {
  it('verifies the server against the CA file', async () => {
    assert.deepEqual(await seriesWith({ caFile: file('ca.pem', pki.ca.cert) }), {
      count: 1,
      shapes: [{ name: 'up', labelNames: [] }],
    });
  });

  it('fails the handshake without the CA (Node roots only)', async () => {
    await assert.rejects(seriesWith({}), (err: unknown) => {
      assert.ok(err instanceof PrometheusError);
      assert.equal(err.errorType, 'transport');
      return true;
    });
  });

  it('rejects a CA file without certificates', () => {
    assert.throws(
      () => createPrometheusClient({ baseUrl, caFile: file('empty.pem', 'not a cert\n') }),
      (err: unknown) =>
        err instanceof PrometheusConfigError &&
        err.message === 'no certs found in prometheus-ca-file',
    );
  });

  it('presents the client certificate only together with the CA file', async () => {
    const caFile = file('ca.pem', pki.ca.cert);
    const clientCertFile = file('client.crt', pki.client.cert);
    const clientKeyFile = file('client.key', pki.client.key);
    const mtls = `${baseUrl}/mtls`;
    assert.equal(
      (await seriesWith({ baseUrl: mtls, caFile, clientCertFile, clientKeyFile })).count,
      1,
    );
    await assert.rejects(seriesWith({ baseUrl: mtls, caFile }), /unknown response code 401/);
  });

  it('re-reads a rotated client certificate for new connections', async () => {
    const caFile = file('ca.pem', pki.ca.cert);
    const untrusted = await generateSelfSigned(['someone-else']);
    const clientCertFile = file('rot.crt', untrusted.cert);
    const clientKeyFile = file('rot.key', untrusted.key);
    const client = createPrometheusClient({
      baseUrl: `${baseUrl}/mtls`,
      caFile,
      clientCertFile,
      clientKeyFile,
      fileOptions: { recheckMs: 0 },
    });
    try {
      await assert.rejects(client.series('up', 0), /unknown response code 401/);
      writeFileSync(clientCertFile, pki.client.cert);
      writeFileSync(clientKeyFile, pki.client.key);
      // A real rotation lands later; make sure the change is visible even within one millisecond.
      const later = new Date(Date.now() + 10_000);
      utimesSync(clientCertFile, later, later);
      utimesSync(clientKeyFile, later, later);
      server.closeAllConnections();
      assert.equal((await client.series('up', 0)).count, 1);
    } finally {
      await client.close();
    }
  });

  it('rejects a bad client key pair', () => {
    assert.throws(
      () =>
        createPrometheusClient({
          baseUrl,
          caFile: file('ca.pem', pki.ca.cert),
          clientCertFile: file('c.crt', pki.client.cert),
          clientKeyFile: file('bad.key', 'garbage'),
        }),
      /^PrometheusConfigError: failed to read TLS key pair: /,
    );
  });
});

describe('auth from a kubeconfig or in-cluster', () => {
  const kubeconfig = (user: string): string =>
    file(
      'kubeconfig',
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: prom',
        'contexts: [{name: prom, context: {cluster: c, user: u}}]',
        `clusters: [{name: c, cluster: {server: "https://ignored.invalid", certificate-authority-data: ${Buffer.from(pki.ca.cert).toString('base64')}}}]`,
        `users: [{name: u, user: ${user}}]`,
      ].join('\n'),
    );

  it('uses the kubeconfig CA and token (the server URL stays --prometheus-url)', async () => {
    authHeaders.length = 0;
    await seriesWith({ authConfig: kubeconfig('{token: kube-token}') });
    assert.deepEqual(authHeaders, ['Bearer kube-token']);
  });

  it('lets the token file win over kubeconfig credentials', async () => {
    authHeaders.length = 0;
    await seriesWith({
      authConfig: kubeconfig('{username: a, password: b}'),
      tokenFile: file('token', 'file-token\n'),
    });
    assert.deepEqual(authHeaders, ['Bearer file-token']);
  });

  it('ignores the kubeconfig entirely when a CA file is given', async () => {
    authHeaders.length = 0;
    await seriesWith({
      caFile: file('ca.pem', pki.ca.cert),
      authConfig: kubeconfig('{token: kube-token}'),
    });
    assert.deepEqual(authHeaders, [undefined]);
  });

  it('uses the in-cluster service-account token and CA', async () => {
    const saDir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(saDir, 'token'), 'sa-token');
    writeFileSync(join(saDir, 'ca.crt'), pki.ca.cert);
    authHeaders.length = 0;
    await seriesWith({
      inCluster: true,
      inClusterOptions: {
        serviceAccountDir: saDir,
        env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      },
    });
    assert.deepEqual(authHeaders, ['Bearer sa-token']);
  });

  it('fails outside a cluster', () => {
    assert.throws(
      () => createPrometheusClient({ baseUrl, inCluster: true, inClusterOptions: { env: {} } }),
      /unable to construct in-cluster auth configuration for connecting to Prometheus: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/,
    );
  });
});
