import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  basicAuthHeader,
  bearerFromFile,
  createFileSource,
  parseTokenFile,
} from './file-source.ts';

const tempPath = (name: string): string => join(mkdtempSync(join(tmpdir(), 'file-source-')), name);

describe('createFileSource', () => {
  it('re-reads only after recheckMs and only when the file changed', async () => {
    const path = tempPath('token');
    writeFileSync(path, 'one');
    let now = 0;
    let reads = 0;
    const source = createFileSource(path, (t) => `${t}#${++reads}`, {
      now: () => now,
      recheckMs: 1000,
    });
    assert.equal(await source(), 'one#1');
    writeFileSync(path, 'two-longer');
    now = 999;
    assert.equal(await source(), 'one#1', 'not re-checked before recheckMs');
    now = 1000;
    assert.equal(await source(), 'two-longer#2');
    now = 5000;
    assert.equal(await source(), 'two-longer#2', 'unchanged file is not re-read');
  });

  it('follows an atomic rename and keeps the last good value on failure', async () => {
    const path = tempPath('token');
    writeFileSync(path, 'old');
    const source = createFileSource(path, parseTokenFile, { recheckMs: 0 });
    writeFileSync(`${path}.new`, 'new');
    renameSync(`${path}.new`, path);
    assert.equal(await source(), 'new');
    writeFileSync(path, '   \n');
    assert.equal(await source(), 'new', 'empty token keeps the previous one');
    rmSync(path);
    assert.equal(await source(), 'new', 'missing file keeps the previous one');
  });

  it('throws at construction when the file is unreadable', () => {
    assert.throws(() => createFileSource('/nonexistent/x', (t) => t), /ENOENT/);
  });
});

describe('token helpers', () => {
  it('trims the token and formats bearer/basic headers', async () => {
    const path = tempPath('token');
    writeFileSync(path, 'abc\n');
    assert.equal(await bearerFromFile(path)(), 'Bearer abc');
    assert.equal(
      basicAuthHeader('user', 'pa:ss'),
      `Basic ${Buffer.from('user:pa:ss').toString('base64')}`,
    );
    assert.throws(() => parseTokenFile('\n'), /empty/);
  });
});
