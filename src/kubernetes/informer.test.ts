import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKubeClient, type KubeClient } from './client.ts';
import { createInformer } from './informer.ts';
import { podMetaFrom, type PodMeta } from './metadata-informers.ts';
import { silentLogger } from '../log.ts';
import { polled, pollUntil } from '../../test/support/poll.ts';

interface Seen {
  readonly watch: boolean;
  readonly query: URLSearchParams;
}

/** A tiny API server: lists come from `lists` in turn; watches stay open for the test to feed. */
const fakeWatchServer = () => {
  const seen: Seen[] = [];
  const lists: { status: number; body: unknown }[] = [];
  const watches: ServerResponse[] = [];
  const watchAnswers: number[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const watch = url.searchParams.get('watch') === 'true';
    seen.push({ watch, query: url.searchParams });
    if (!watch) {
      const answer = lists.shift() ?? { status: 500, body: { kind: 'Status', code: 500 } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    const status = watchAnswers.shift() ?? 200;
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'Status', code: status, reason: 'Expired', message: 'too old' }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    watches.push(res);
  });
  return { server, seen, lists, watches, watchAnswers };
};

const pod = (name: string, rv: string, labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, labels, uid: name },
  spec: { containers: [] },
});

const podList = (rv: string, items: unknown[], cont = '') => ({
  status: 200,
  body: { kind: 'PodList', metadata: { resourceVersion: rv, continue: cont }, items },
});

const send = (res: ServerResponse | undefined, type: string, object: unknown): void => {
  assert.ok(res, 'no open watch');
  res.write(`${JSON.stringify({ type, object })}\n`);
};

/** Polls a synchronous check until it gives a value. */
const until = async <T>(what: string, check: () => T | undefined): Promise<T> =>
  polled(
    await pollUntil(
      () => Promise.resolve(check()),
      (value) => value !== undefined,
      { timeoutMs: 5000, intervalMs: 10 },
    ),
    what,
  ) as T;

const names = (items: readonly PodMeta[]): string[] => items.map((p) => p.name).sort();
/** The resourceVersion the `at`-th watch request (negative: from the end) asked for. */
const watchVersion = (seen: readonly Seen[], at: number) =>
  seen
    .filter((s) => s.watch)
    .at(at)
    ?.query.get('resourceVersion');

describe('informer against a fake watch server', () => {
  const fake = fakeWatchServer();
  let client: KubeClient;
  const controller = new AbortController();

  before(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    client = createKubeClient({ server: new URL(`http://127.0.0.1:${port}`) }, { qps: -1 });
  });

  after(async () => {
    controller.abort();
    for (const w of fake.watches) w.end();
    await client.close();
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('lists in pages, watches, resyncs on 410 Gone and reconnects after failures', async () => {
    fake.lists.push(
      { status: 500, body: { kind: 'Status', code: 500, message: 'etcd down' } },
      podList('', [pod('a', '5')], 'page2'),
      podList('10', [pod('b', '6')]),
    );
    const informer = createInformer({
      client,
      path: '/api/v1/pods',
      query: { fieldSelector: 'status.phase=Running' },
      convert: podMetaFrom,
      keyOf: (p) => `${p.namespace}/${p.name}`,
      logger: silentLogger(),
      pageSize: 1,
      backoff: { initialMs: 10, maxMs: 50 },
      watchTimeoutSeconds: () => 42,
    });
    const running = informer.run(controller.signal);
    assert.equal(informer.hasSynced(), false);
    await informer.synced();
    assert.deepEqual(names(informer.items()), ['a', 'b']);
    const pages = fake.seen.filter((s) => !s.watch);
    assert.equal(pages.length, 3, 'one failed list, then two pages');
    assert.equal(pages[2]?.query.get('continue'), 'page2');
    assert.equal(pages[2]?.query.get('fieldSelector'), 'status.phase=Running');

    await until('first watch', () => fake.watches[0]);
    const firstWatch = fake.seen.find((s) => s.watch)?.query;
    assert.equal(firstWatch?.get('resourceVersion'), '10');
    assert.equal(firstWatch?.get('fieldSelector'), 'status.phase=Running');
    assert.equal(firstWatch?.get('allowWatchBookmarks'), 'true');
    assert.equal(firstWatch?.get('timeoutSeconds'), '42');

    const snapshot = informer.items();
    send(fake.watches[0], 'ADDED', pod('c', '11'));
    send(fake.watches[0], 'DELETED', pod('a', '12'));
    send(fake.watches[0], 'MODIFIED', pod('b', '13', { app: 'web' }));
    send(fake.watches[0], 'BOOKMARK', { metadata: { resourceVersion: '14' } });
    await until('events applied', () => informer.get('ns/b')?.labels['app']);
    assert.deepEqual(names(informer.items()), ['b', 'c']);
    assert.deepEqual(names(snapshot), ['a', 'b'], 'an earlier snapshot never changes');
    assert.ok(Object.isFrozen(informer.items()));

    // The server ends the stream: the informer watches again from the last resourceVersion.
    fake.watches[0]?.end();
    await until('second watch', () => fake.watches[1]);
    assert.equal(watchVersion(fake.seen, 1), '14');

    // 410 Gone inside the stream: relist, then watch from the new list's resourceVersion.
    fake.lists.push(podList('20', [pod('x', '20')]));
    send(fake.watches[1], 'ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    await until('third watch', () => fake.watches[2]);
    assert.deepEqual(names(informer.items()), ['x']);
    assert.equal(watchVersion(fake.seen, 2), '20');

    // 410 as the HTTP answer to the watch request itself: relist too.
    fake.lists.push(podList('30', [pod('y', '30')]));
    fake.watchAnswers.push(410);
    fake.watches[2]?.end();
    await until('fourth watch', () => fake.watches[3]);
    assert.deepEqual(names(informer.items()), ['y']);
    assert.equal(watchVersion(fake.seen, -1), '30');

    // Any other ERROR: back off, then watch again from the last resourceVersion, no relist.
    const lists = fake.seen.filter((s) => !s.watch).length;
    send(fake.watches[3], 'MODIFIED', pod('y', '31', { v: '2' }));
    send(fake.watches[3], 'ERROR', { kind: 'Status', code: 500, message: 'internal' });
    await until('fifth watch', () => fake.watches[4]);
    assert.equal(watchVersion(fake.seen, -1), '31');
    assert.equal(fake.seen.filter((s) => !s.watch).length, lists);
    assert.equal(informer.get('ns/y')?.labels['v'], '2');

    controller.abort();
    await running;
  });
});
