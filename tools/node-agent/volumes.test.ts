import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  prepareVolumes,
  projectKeys,
  refreshVolumes,
  VolumeError,
  volumeFiles,
  type VolumeData,
} from './volumes.ts';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'prom', uid: 'u' },
  spec: {
    serviceAccountName: 'sa',
    containers: [],
    volumes: [
      { name: 'cfg', configMap: { name: 'prometheus' } },
      {
        name: 'certs',
        secret: {
          secretName: 'serving',
          items: [{ key: 'serving.crt', path: 'tls/serving.crt', mode: 0o600 }],
        },
      },
      { name: 'scratch', emptyDir: {} },
      {
        name: 'api',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }],
              },
            },
          ],
        },
      },
    ],
  },
};
const facts = { podIp: '10.244.0.2', hostIp: '10.244.0.1', apiHost: '10.244.0.1', apiPort: 6443 };
const data: VolumeData = {
  configMap: (_ns, name) =>
    Promise.resolve(
      (
        {
          prometheus: { 'prometheus.yml': 'global: {}' },
          'kube-root-ca.crt': { 'ca.crt': 'CA' },
        } as Record<string, Record<string, string>>
      )[name],
    ),
  secret: (_ns, name) =>
    Promise.resolve(
      name === 'serving' ? { 'serving.crt': 'CRT', 'serving.key': 'KEY' } : undefined,
    ),
  token: (p, _aud, exp) => Promise.resolve(`token-for-${p.spec?.serviceAccountName ?? ''}-${exp}`),
};

test('projectKeys: all keys, or the listed items with their modes', () => {
  assert.deepEqual(
    projectKeys({ a: '1', b: '2' }, undefined, 0o644, 'x').map((f) => f.path),
    ['a', 'b'],
  );
  assert.deepEqual(projectKeys({ a: '1' }, [{ key: 'a', path: 'd/a', mode: 0o400 }], 0o644, 'x'), [
    { path: 'd/a', content: '1', mode: 0o400 },
  ]);
  assert.throws(() => projectKeys({}, [{ key: 'a', path: 'a' }], 0o644, 'cm'), VolumeError);
});

test('prepareVolumes writes every supported volume', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vol-'));
  try {
    const dirs = await prepareVolumes(pod, facts, dir, data);
    assert.equal(await readFile(join(dirs.get('cfg')!, 'prometheus.yml'), 'utf8'), 'global: {}');
    const crt = join(dirs.get('certs')!, 'tls/serving.crt');
    assert.equal(await readFile(crt, 'utf8'), 'CRT');
    assert.equal((await stat(crt)).mode & 0o777, 0o600);
    assert.ok((await stat(dirs.get('scratch')!)).isDirectory());
    assert.equal(await readFile(join(dirs.get('api')!, 'token'), 'utf8'), 'token-for-sa-3607');
    assert.equal(await readFile(join(dirs.get('api')!, 'ca.crt'), 'utf8'), 'CA');
    assert.equal(await readFile(join(dirs.get('api')!, 'namespace'), 'utf8'), 'prom');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('missing objects are VolumeErrors unless optional; unsupported kinds are rejected', async () => {
  await assert.rejects(
    volumeFiles(pod, facts, { name: 'x', secret: { secretName: 'absent' } }, data),
    /secret "absent" not found/,
  );
  assert.deepEqual(
    await volumeFiles(
      pod,
      facts,
      { name: 'x', secret: { secretName: 'absent', optional: true } },
      data,
    ),
    [],
  );
  await assert.rejects(
    volumeFiles(pod, facts, { name: 'x', nfs: { server: 's', path: '/' } }, data),
    /only emptyDir/,
  );
});

test('file volumes use the atomic layout; a changed ConfigMap swaps ..data, nothing else moves', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vol-'));
  try {
    const config: Record<string, string> = { 'prometheus.yml': 'global: {}', old: 'x' };
    const live: VolumeData = {
      ...data,
      configMap: (_ns, name) =>
        name === 'prometheus' ? Promise.resolve({ ...config }) : data.configMap(_ns, name),
    };
    const hashes = new Map<string, string>();
    const dirs = await prepareVolumes(pod, facts, dir, live, hashes);
    const cfg = dirs.get('cfg')!;
    assert.equal(await readlink(join(cfg, 'prometheus.yml')), '..data/prometheus.yml');
    const first = await readlink(join(cfg, '..data'));
    assert.match(first, /^\.\.\d{4}_\d\d_\d\d_/);
    assert.deepEqual([...hashes.keys()].sort(), ['api', 'certs', 'cfg']);

    assert.deepEqual(
      await refreshVolumes({ pod, facts, podDir: dir, data: live }, hashes, 1),
      [],
      'nothing changed',
    );
    assert.equal(await readlink(join(cfg, '..data')), first);

    config['prometheus.yml'] = 'global: {scrape_interval: 1s}';
    delete config['old'];
    config['new'] = 'y';
    assert.deepEqual(await refreshVolumes({ pod, facts, podDir: dir, data: live }, hashes, 2), [
      'cfg',
    ]);
    const second = await readlink(join(cfg, '..data'));
    assert.notEqual(second, first);
    assert.equal(
      await readFile(join(cfg, 'prometheus.yml'), 'utf8'),
      'global: {scrape_interval: 1s}',
    );
    assert.equal(await readFile(join(cfg, 'new'), 'utf8'), 'y');
    assert.ok((await lstat(join(cfg, 'prometheus.yml'))).isSymbolicLink());
    assert.deepEqual(
      (await readdir(cfg)).sort(),
      ['..data', second, 'new', 'prometheus.yml'].sort(),
      'old version and removed key gone',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
