/**
 * Fault matrix, kube-apiserver side, with the in-process fake kube API (test/support/
 * fake-kube-api.ts): it can be made unreachable at the adapter's start, stopped and restarted on
 * the same port under load, and made to fail TokenReview and SubjectAccessReview on demand,
 * which the real kube-apiserver cannot be made to do. Compiled adapter, real Prometheus.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import {
  fakeKubeFor,
  kubeconfigFor,
  startAdapter,
  startHarness,
  type Harness,
  type RunningAdapter,
} from '../integration/harness.ts';
import type { RecordedRequest, RunningFake } from '../support/fake-kube-api.ts';
import { pollUntil } from '../support/poll.ts';
import { freePort } from '../support/processes.ts';
import {
  faultSuite,
  failuresOf,
  hpaGet,
  hpaLoad,
  HPA_PATH,
  recovery,
  report,
} from './fault-support.ts';

const json = (res: ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const internal = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500 };

describe('kube-apiserver unreachable at the adapter start', { timeout: 120_000 }, () => {
  let h: Harness;
  let dir: string;
  let late: RunningFake | undefined;
  let adapter: RunningAdapter | undefined;

  before(async () => {
    h = await startHarness(1);
    dir = await mkdtemp(join(tmpdir(), 'k8spa-late-'));
  });

  after(async () => {
    await adapter?.stop();
    await late?.stop();
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits, says so in its log, and serves once the API answers', async () => {
    const port = await freePort();
    await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(`http://127.0.0.1:${port}`));
    const starting = startAdapter({ dir, prometheusUrl: h.prometheus.url }, [
      '--rate-interval=30s',
    ]);
    // Unreachable for the first 3 s of the adapter's life; nothing answers meanwhile.
    const refused = await pollUntil(
      () => fetch(`https://127.0.0.1:${port}`).then(() => 'up'),
      () => false,
      { timeoutMs: 3000, intervalMs: 500 },
    );
    assert.ok(!refused.ok);
    const kubeUp = performance.now();
    late = await fakeKubeFor(h.apps).start(port);
    adapter = await starting;
    const readyS = (performance.now() - kubeUp) / 1000;
    const hpa = await recovery(adapter);
    report(
      `kube API unreachable for 3 s at start (ready ${readyS.toFixed(2)} s after it came)`,
      await hpaGet(adapter),
      readyS + hpa,
    );
    assert.match(adapter.process.output(), /resource discovery failed; retrying/);
    assert.match(adapter.process.output(), /ECONNREFUSED/);
  });
});

describe(
  'kube-apiserver restarted under load, objects listed per request',
  { timeout: 120_000 },
  () => {
    // The LIST path (upstream's): with the object cache (the default) the outage does not show.
    const s = faultSuite({ via: 'direct', args: ['--object-cache=false'] });
    let restarted: RunningFake | undefined;
    after(async () => {
      await restarted?.stop();
    });

    it('answers a Status while it is down and recovers by itself once it is back', async () => {
      const load = hpaLoad(s.adapter, 4);
      const { outcomes } = load;
      const port = Number(new URL(s.h.kubeServer.url).port);
      await s.h.kubeServer.stop();
      const down = await pollUntil(
        () => Promise.resolve(outcomes.at(-1)),
        (o) => o !== undefined && o.status !== 200,
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      const back = performance.now();
      restarted = await s.h.kube.start(port);
      const recovered = await pollUntil(
        () => Promise.resolve(outcomes.filter((o) => o.at > back).at(-1)),
        (o) => o?.status === 200,
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      await load.stop();
      const { failed, kinds } = failuresOf(outcomes);
      console.log(
        `[fault-matrix] kube API down ~${down.seconds.toFixed(2)} s under load: ${outcomes.length} requests, ` +
          `${failed.length} failed as ${JSON.stringify(kinds)}; recovered ${recovered.seconds.toFixed(2)} s after restart`,
      );
      assert.ok(down.ok, 'the outage showed');
      assert.ok(recovered.ok, 'recovered');
      for (const o of failed)
        assert.ok(o.status >= 500, `${o.status} ${o.message}: never a 2xx/4xx`);
      assert.deepEqual(
        kinds.filter((k) => !/unable to list matching resources|Internal error occurred/.test(k)),
        [],
      );
    });
  },
);

describe(
  'kube-apiserver restarted under load, object cache (default)',
  { timeout: 120_000 },
  () => {
    const s = faultSuite({ via: 'direct' });
    let restarted: RunningFake | undefined;
    after(async () => {
      await restarted?.stop();
    });

    it('serves every request from its watch cache while the API is down, and after', async () => {
      const load = hpaLoad(s.adapter, 4);
      const { outcomes } = load;
      const served = (after: number) =>
        Promise.resolve(outcomes.filter((o) => o.at > after && o.status === 200).length);
      // Warm: the cache has synced once requests are answered.
      await pollUntil(
        () => served(0),
        (n) => n > 0,
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      const port = Number(new URL(s.h.kubeServer.url).port);
      await s.h.kubeServer.stop();
      const stopped = performance.now();
      const during = await pollUntil(
        () => served(stopped),
        (n) => n >= 1000,
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      );
      const back = performance.now();
      restarted = await s.h.kube.start(port);
      const after = await pollUntil(
        () => served(back),
        (n) => n >= 50,
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      );
      await load.stop();
      const { failed, kinds } = failuresOf(outcomes);
      console.log(
        `[fault-matrix] kube API down ${((back - stopped) / 1000).toFixed(2)} s under load, object cache: ` +
          `${outcomes.length} requests, ${failed.length} failed as ${JSON.stringify(kinds)}`,
      );
      assert.ok(during.ok && after.ok, 'served during the outage and after');
      assert.deepEqual(kinds, []);
    });
  },
);

describe('TokenReview and SubjectAccessReview failing', { timeout: 120_000 }, () => {
  const failing = { token: false, access: false };
  const s = faultSuite({
    via: 'direct',
    setup: (h) => {
      h.kube.route('/apis/authentication.k8s.io/v1/tokenreviews', (req: RecordedRequest, res) => {
        if (failing.token) {
          json(res, 500, { ...internal, message: 'etcd down' });
          return;
        }
        const review = JSON.parse(req.body) as { spec: { token: string } };
        json(res, 201, {
          ...review,
          status: { authenticated: true, user: { username: review.spec.token, groups: [] } },
        });
      });
      h.kube.route('/apis/authorization.k8s.io/v1/subjectaccessreviews', (req, res) => {
        if (failing.access) {
          json(res, 500, { ...internal, message: 'etcd down' });
          return;
        }
        json(res, 201, { ...(JSON.parse(req.body) as object), status: { allowed: true } });
      });
    },
  });

  const asUser = (token: string) => s.adapter.get(HPA_PATH, { authorization: `Bearer ${token}` });

  it('TokenReview failing: 401, never served; served again once it works', async () => {
    failing.token = true;
    const denied = await asUser('token-alice');
    failing.token = false;
    const t0 = performance.now();
    const again = await pollUntil(
      () => asUser('token-alice'),
      (r) => r.status === 200,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const message = (JSON.parse(denied.body) as { message?: string }).message ?? denied.body;
    console.log(
      `[fault-matrix] TokenReview 500: ${denied.status} "${message}"; served ${((performance.now() - t0) / 1000).toFixed(2)} s after it works`,
    );
    assert.equal(denied.status, 401, denied.body);
    assert.ok(again.ok);
  });

  it('SubjectAccessReview failing: refused (fail closed), served again once it works', async () => {
    failing.access = true;
    const denied = await asUser('token-bob');
    failing.access = false;
    const t0 = performance.now();
    const again = await pollUntil(
      () => asUser('token-bob'),
      (r) => r.status === 200,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const message = (JSON.parse(denied.body) as { message?: string }).message ?? denied.body;
    console.log(
      `[fault-matrix] SubjectAccessReview 500: ${denied.status} "${message}"; served ${((performance.now() - t0) / 1000).toFixed(2)} s after it works`,
    );
    assert.ok([403, 500, 503].includes(denied.status), `${denied.status}: ${denied.body}`);
    assert.doesNotMatch(denied.body, /"items"/, 'no metrics in a refusal');
    assert.ok(again.ok);
  });
});
