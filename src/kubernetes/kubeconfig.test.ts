import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inClusterConfig, KubeconfigError, loadKubeconfig } from './kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Writes a kubeconfig (one context `ctx` → cluster `c`, user `u`) into a fresh directory. */
const writeConfig = (cluster: string, user: string, extra: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: ctx',
      'contexts:',
      '- name: other',
      '  context: {cluster: nope, user: nope}',
      '- name: ctx',
      '  context: {cluster: c, user: u}',
      'clusters:',
      `- name: c`,
      `  cluster: ${cluster}`,
      'users:',
      `- name: u`,
      `  user: ${user}`,
    ].join('\n'),
  );
  return { dir, path };
};

describe('loadKubeconfig', () => {
  it('reads file references relative to the kubeconfig directory', async () => {
    const { path } = writeConfig(
      '{server: "https://k8s.example:6443/prefix", certificate-authority: ca.pem, tls-server-name: api.internal}',
      '{client-certificate: certs/client.crt, client-key: certs/client.key, tokenFile: token}',
    );
    const dir = join(path, '..');
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    writeFileSync(join(dir, 'certs/client.crt'), 'CERT');
    writeFileSync(join(dir, 'certs/client.key'), 'KEY');
    writeFileSync(join(dir, 'token'), 'tok\n');
    const conn = loadKubeconfig(path);
    assert.equal(conn.server.href, 'https://k8s.example:6443/prefix');
    assert.deepEqual(
      [conn.ca, conn.cert, conn.key, conn.serverName, conn.insecure],
      ['CA', 'CERT', 'KEY', 'api.internal', false],
    );
    assert.equal(await conn.authorization?.(), 'Bearer tok');
  });

  it('decodes inline -data fields and a static token', async () => {
    const { path } = writeConfig(
      `{server: "https://h", certificate-authority-data: ${b64('CA')}}`,
      `{client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}, token: static}`,
    );
    const conn = loadKubeconfig(path);
    assert.deepEqual([conn.ca, conn.cert, conn.key], ['CA', 'CERT', 'KEY']);
    assert.equal(await conn.authorization?.(), 'Bearer static');
  });

  it('supports basic auth and insecure-skip-tls-verify', async () => {
    const { path } = writeConfig(
      '{server: "https://h", insecure-skip-tls-verify: true}',
      '{username: admin, password: pw}',
    );
    const conn = loadKubeconfig(path);
    assert.equal(conn.insecure, true);
    assert.equal(await conn.authorization?.(), `Basic ${b64('admin:pw')}`);
  });

  const bad: { name: string; cluster: string; user: string; message: RegExp }[] = [
    {
      name: 'token and basic',
      cluster: '{server: "https://h"}',
      user: '{token: t, username: u}',
      message: /may be set, but not both/,
    },
    { name: 'no server', cluster: '{}', user: '{}', message: /cluster has no server/ },
    {
      name: 'CA with insecure',
      cluster: `{server: "https://h", insecure-skip-tls-verify: true, certificate-authority-data: ${b64('CA')}}`,
      user: '{}',
      message: /insecure flag is not allowed/,
    },
    {
      name: 'exec plugin',
      cluster: '{server: "https://h"}',
      user: '{exec: {command: aws}}',
      message: /not supported/,
    },
    {
      name: 'missing CA file',
      cluster: '{server: "https://h", certificate-authority: nope.pem}',
      user: '{}',
      message: /unable to load kubeconfig .*nope\.pem/,
    },
  ];
  for (const c of bad) {
    it(`rejects: ${c.name}`, () => {
      const { path } = writeConfig(c.cluster, c.user);
      assert.throws(
        () => loadKubeconfig(path),
        (err: unknown) => err instanceof KubeconfigError && c.message.test(err.message),
      );
    });
  }

  it('rejects a missing file and a missing context', () => {
    assert.throws(() => loadKubeconfig('/nonexistent/kubeconfig'), KubeconfigError);
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'config'), 'current-context: x\ncontexts: []\n');
    assert.throws(() => loadKubeconfig(join(dir, 'config')), /context "x" not found/);
  });
});

describe('inClusterConfig', () => {
  const saDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    return dir;
  };

  it('builds the server URL from the service env (IPv6 bracketed)', async () => {
    const dir = saDir();
    const v4 = inClusterConfig({
      serviceAccountDir: dir,
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
    });
    assert.equal(v4.server.href, 'https://10.96.0.1/');
    assert.equal(v4.ca, 'CA');
    assert.equal(await v4.authorization?.(), 'Bearer sa-token');
    const v6 = inClusterConfig({
      serviceAccountDir: dir,
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
    });
    assert.equal(v6.server.host, '[fd00::1]:6443');
  });

  it('fails outside a cluster or without the token', () => {
    assert.throws(
      () => inClusterConfig({ env: {} }),
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/,
    );
    assert.throws(
      () =>
        inClusterConfig({
          serviceAccountDir: '/nonexistent',
          env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' },
        }),
      /unable to load in-cluster configuration: .*ENOENT/,
    );
  });
});
