import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ensureMountPoints,
  imageVolumeMounts,
  launchScript,
  resolveMounts,
  shQuote,
} from './mounts.ts';

test('resolveMounts orders parents first and applies subPath', () => {
  const dirs = new Map([
    ['a', '/v/a'],
    ['b', '/v/b'],
  ]);
  const mounts = resolveMounts(
    {
      name: 'c',
      volumeMounts: [
        { name: 'b', mountPath: '/etc/app/conf/', subPath: 'x', readOnly: true },
        { name: 'a', mountPath: '/etc/app' },
      ],
    },
    dirs,
  );
  assert.deepEqual(mounts, [
    { source: '/v/a', target: '/etc/app', readOnly: false },
    { source: '/v/b/x', target: '/etc/app/conf', readOnly: true },
  ]);
  assert.throws(
    () => resolveMounts({ name: 'c', volumeMounts: [{ name: 'zzz', mountPath: '/x' }] }, dirs),
    /no volume/,
  );
});

test('imageVolumeMounts skips volumes a volumeMount covers', () => {
  const declared = [{ source: '/v/data', target: '/prometheus', readOnly: false }];
  assert.deepEqual(imageVolumeMounts(['/prometheus'], declared, '/s'), []);
  assert.deepEqual(imageVolumeMounts(['/prometheus'], [], '/s'), [
    { source: '/s/_prometheus', target: '/prometheus', readOnly: false },
  ]);
});

test('launchScript quotes paths and remounts read-only mounts', () => {
  const script = launchScript(
    [{ source: "/v/it's", target: '/etc/x', readOnly: true }],
    '/work',
    'pod-1',
  );
  assert.match(script, /mount --bind '\/v\/it'\\''s' '\/etc\/x'/);
  assert.match(script, /mount -o remount,bind,ro '\/etc\/x'/);
  assert.match(script, /cd '\/work'\nexec "\$@"$/);
  assert.equal(shQuote('a b'), "'a b'");
});

test('ensureMountPoints creates and records host targets, nested ones inside the parent volume', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mounts-'));
  try {
    const record = join(root, 'record');
    const vol = join(root, 'vol');
    await mkdir(vol);
    await writeFile(join(root, 'file-src'), 'x');
    const mounts = [
      { source: vol, target: join(root, 'host/a/b'), readOnly: false },
      { source: join(root, 'sub'), target: join(root, 'host/a/b/nested'), readOnly: false },
      { source: join(root, 'file-src'), target: join(root, 'host/f/file'), readOnly: false },
    ];
    await mkdir(join(root, 'sub'));
    await ensureMountPoints(mounts, record);
    assert.ok((await stat(join(root, 'host/a/b'))).isDirectory());
    assert.ok(
      (await stat(join(vol, 'nested'))).isDirectory(),
      'nested target made inside the parent volume',
    );
    assert.ok((await stat(join(root, 'host/f/file'))).isFile());
    const lines = (await readFile(record, 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines,
      ['host', 'host/a', 'host/a/b', 'host/f', 'host/f/file'].map((p) => join(root, p)),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
