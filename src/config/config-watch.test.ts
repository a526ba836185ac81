import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, watchConfigFile, type FileRead } from './config-watch.ts';
import { configMapVolume } from '../../test/support/configmap-volume.ts';
import { pollUntil } from '../../test/support/poll.ts';

const collect = () => {
  const seen: { read: FileRead; reason: string }[] = [];
  return { seen, onChange: (read: FileRead, reason: string) => void seen.push({ read, reason }) };
};

const textsOf = (seen: readonly { read: FileRead }[]) =>
  seen.map((s) => (s.read.ok ? s.read.text : `error`));

/** A plain file holding `content`, watched as if `inUse` were the content in use. */
const watchedFile = async (t: TestContext, content: string, inUse: string, intervalMs: number) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-watch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  await writeFile(file, content);
  const got = collect();
  const controller = new AbortController();
  t.after(() => {
    controller.abort();
  });
  const w = watchConfigFile(
    { file, initialHash: contentHash(inUse), intervalMs, ...got },
    controller.signal,
  );
  return {
    file,
    seen: got.seen,
    check: (reason: string, force?: boolean) => w.check(reason, force),
  };
};

describe('watchConfigFile', () => {
  it('sees the atomic ..data symlink swap of a ConfigMap volume through directory events', async (t) => {
    const vol = await configMapVolume();
    t.after(() => vol.remove());
    await vol.publish('rules: []\n');
    const got = collect();
    const controller = new AbortController();
    t.after(() => {
      controller.abort();
    });
    // No periodic read: only the directory watch can notice the swap.
    watchConfigFile(
      { file: vol.file, initialHash: contentHash('rules: []\n'), intervalMs: 0, ...got },
      controller.signal,
    );
    await vol.publish('rules: [{seriesQuery: up}]\n');
    const result = await pollUntil(
      () => Promise.resolve(got.seen.length),
      (n) => n >= 1,
      { timeoutMs: 5000, intervalMs: 20 },
    );
    assert.ok(result.ok, 'the swap was reported');
    assert.deepEqual(textsOf(got.seen), ['rules: [{seriesQuery: up}]\n']);
    assert.equal(got.seen[0]?.reason, 'file changed');
  });

  const cases = [
    {
      name: 'unchanged content is not reported, a change is, once',
      steps: ['a', 'a', 'b', 'b'],
      want: ['b'],
    },
    {
      name: 'a deleted file is reported once, and its return',
      steps: ['a', null, null, 'a'],
      want: ['error', 'a'],
    },
    {
      name: 'a file changed back and forth is reported each time',
      steps: ['b', 'a'],
      want: ['b', 'a'],
    },
  ];
  for (const c of cases) {
    it(c.name, async (t) => {
      const w = await watchedFile(t, 'a', 'a', 0);
      for (const step of c.steps) {
        if (step === null) await unlink(w.file).catch(() => undefined);
        else await writeFile(w.file, step);
        await w.check('test');
      }
      assert.deepEqual(textsOf(w.seen), c.want);
    });
  }

  it('check(…, force) reports unchanged content (SIGHUP)', async (t) => {
    const w = await watchedFile(t, 'a', 'a', 0);
    await w.check('SIGHUP', true);
    assert.deepEqual(
      w.seen.map((s) => s.reason),
      ['SIGHUP'],
    );
  });

  it('the periodic read notices a change without any directory event', async (t) => {
    // The content differs from what is "in use" already: only a read can notice it.
    const got = await watchedFile(t, 'b', 'a', 20);
    const result = await pollUntil(
      () => Promise.resolve(got.seen.length),
      (n) => n >= 1,
      { timeoutMs: 5000, intervalMs: 20 },
    );
    assert.ok(result.ok);
    assert.equal(got.seen[0]?.reason, 'periodic check');
  });
});
