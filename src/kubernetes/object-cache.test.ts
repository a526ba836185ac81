import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeKubeApi } from '../../test/support/fake-kube-api.ts';
import { useFakeKubeClient } from '../../test/support/fake-kube-client.ts';
import { fakeResourceInfo } from '../../test/support/fake-resource-map.ts';
import { polled, pollUntil } from '../../test/support/poll.ts';
import { silentLogger } from '../log.ts';
import { createObjectCache, type ObjectNameLister } from './object-cache.ts';
import { listObjectNames } from './objects.ts';

const PODS = fakeResourceInfo('pods');
const DEPLOYMENTS = fakeResourceInfo('deployments');
const stop = new AbortController();
after(() => {
  stop.abort();
});
const fake = createFakeKubeApi();
const kube = useFakeKubeClient(fake, { qps: -1 });
const watchedFake = createFakeKubeApi();
const watched = useFakeKubeClient(watchedFake, { qps: -1 });
const signal = new AbortController().signal;
const direct: ObjectNameLister = (info, ns, selector, s) =>
  listObjectNames(kube.client, info, ns, selector, s);

before(() => {
  fake.setPods('default', [
    { name: 'web-2', labels: { app: 'web' } },
    { name: 'db-1', labels: { app: 'db' } },
    { name: 'web-1', labels: { app: 'web', tier: 'front' } },
  ]);
  fake.setPods('other', [{ name: 'web-x', labels: { app: 'web' } }]);
  fake.setDeployments('default', [{ name: 'web', labels: { app: 'web' } }]);
  watchedFake.setPods('other', [{ name: 'web-x', labels: { app: 'web' } }]);
});
const isList = (r: { path: string; query: Readonly<Record<string, string>> }) =>
  r.query['watch'] !== 'true' && /\/(pods|deployments)$/.test(r.path);

describe('createObjectCache', () => {
  it('answers as a LIST would (sorted like the API), listing once per resource', async () => {
    const cache = createObjectCache({
      client: kube.client,
      logger: silentLogger(),
      signal: stop.signal,
      syncTimeoutMs: 5000,
      fallback: direct,
      now: Date.now,
    });
    const cases: [string, string, string[]][] = [
      ['default', 'app=web', ['web-1', 'web-2']],
      ['default', '', ['db-1', 'web-1', 'web-2']],
      ['default', 'app=web,tier notin (front)', ['web-2']],
      ['other', 'app=web', ['web-x']],
      ['', 'app=web', ['web-1', 'web-2', 'web-x']],
      ['nowhere', '', []],
    ];
    for (const [ns, selector, want] of cases) {
      assert.deepEqual(await cache.list(PODS, ns, selector, signal), want, `${ns} ${selector}`);
      const direct = await listObjectNames(kube.client, PODS, ns, selector);
      assert.deepEqual([...direct].sort(), want, 'the direct LIST agrees');
    }
    assert.deepEqual(await cache.list(DEPLOYMENTS, 'default', '', signal), ['web']);
    // While the cache is unchanged, one request's answer is the same array each time (what the
    // providers' identity memos key on); another selector gets its own.
    const again = () => cache.list(PODS, 'default', 'app=web', signal);
    assert.equal(await again(), await again());
    assert.notEqual(await again(), await cache.list(PODS, 'default', '', signal));
    const lists = fake.requests.filter(isList);
    // One cache LIST per resource; the other LISTs are this test's direct comparisons.
    const cacheLists = lists.filter((r) => r.path === '/api/v1/pods' && !r.query['labelSelector']);
    assert.equal(cacheLists.length, 1);
  });

  it('follows watch events (metadata only): changes show without a new LIST', async () => {
    // Its own fake: no other cache's watch on it, so the one watch seen is this cache's.
    const cache = createObjectCache({
      client: watched.client,
      logger: silentLogger(),
      signal: stop.signal,
      syncTimeoutMs: 5000,
      fallback: () => Promise.reject(new Error('no fallback expected')),
      now: Date.now,
    });
    assert.deepEqual(await cache.list(PODS, 'other', '', signal), ['web-x']);
    const watches = () => watchedFake.requests.filter((r) => r.query['watch'] === 'true');
    polled(
      await pollUntil(
        () => Promise.resolve(watches()),
        (w) => w.length === 1,
        { timeoutMs: 5000 },
      ),
      'watch',
    );
    assert.match(String(watches()[0]?.headers.accept), /as=PartialObjectMetadata;/);
    watchedFake.clearRequests();
    watchedFake.setPods('other', [{ name: 'web-y', labels: { app: 'web' } }]);
    const seen = polled(
      await pollUntil(
        () => cache.list(PODS, 'other', '', signal),
        (names) => names.length === 1 && names[0] === 'web-y',
        { timeoutMs: 5000, intervalMs: 10 },
      ),
      'the watch event',
    );
    assert.deepEqual(seen, ['web-y']);
    assert.equal(watchedFake.requests.filter(isList).length, 0);
  });

  it('falls back to a direct LIST while a cache cannot sync', async () => {
    const path = '/apis/apps/v1/deployments';
    fake.setResponse(path, 403, { kind: 'Status', code: 403, message: 'no' });
    const fallbacks: string[] = [];
    const local = new AbortController();
    const cache = createObjectCache({
      client: kube.client,
      logger: silentLogger(),
      signal: local.signal,
      syncTimeoutMs: 50,
      fallback: direct,
      now: Date.now,
      onFallback: (r) => fallbacks.push(r),
    });
    assert.deepEqual(await cache.list(DEPLOYMENTS, 'default', 'app=web', signal), ['web']);
    assert.deepEqual(fallbacks, ['deployments']);
    local.abort();
    await cache.stopped();
  });
});
