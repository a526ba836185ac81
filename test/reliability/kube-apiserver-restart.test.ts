/**
 * Fault matrix, the real kube-apiserver restarted under load: the local cluster of e2e slot 10
 * (etcd + kube-apiserver + the rest, test/e2e/local-cluster.ts), the compiled adapter on the host
 * with the cluster's admin kubeconfig (its pod and node informers watch the real apiserver), a
 * real Prometheus scraping a sample app whose series name pod default/sample-app-0, and that pod
 * object in the cluster (bound to a node that does not exist, so nothing runs it). Only
 * kube-apiserver is stopped (SIGTERM, pid from the cluster's run directory) and started again by
 * scripts/cluster/up.sh, which restarts just what is down.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  clusterDown,
  clusterUp,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
} from '../e2e/local-cluster.ts';
import {
  startAdapter,
  startHarness,
  waitListed,
  type Harness,
  type RunningAdapter,
} from '../integration/harness.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { failuresOf, hpaLoad, recovery } from './fault-support.ts';

const ENV = e2eClusterEnv(10);
const DIR = ENV['K8S_PA_CLUSTER_DIR'] ?? '';
const KUBECTL = join(ENV['K8S_PA_CACHE'] ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const MIN = 60_000;
const PID_FILE = join(DIR, 'run/kube-apiserver.pid');

/** Whether `pid` runs (a zombie does not). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'sample-app-0', namespace: 'default', labels: { app: 'sample-app' } },
  spec: { nodeName: 'no-such-node', containers: [{ name: 'app', image: 'none' }] },
};

describe(
  'the real kube-apiserver restarted under load',
  { skip: e2eSkipReason() ?? false, timeout: 8 * MIN },
  () => {
    let h: Harness | undefined;
    let adapter: RunningAdapter | undefined;

    before(
      async () => {
        await Promise.all([
          freshCluster(ENV),
          startHarness(1).then((x) => {
            h = x;
          }),
        ]);
        if (h === undefined) throw new Error('no harness');
        await run(
          'bash',
          ['-c', `"${KUBECTL}" apply -f - <<'EOF'\n${JSON.stringify(POD)}\nEOF`],
          KENV,
        );
        // The test's client is anonymous; in this throwaway cluster, let it read everything.
        await run(
          KUBECTL,
          [
            'create',
            'clusterrolebinding',
            'fault-anon',
            '--clusterrole=cluster-admin',
            '--user=system:anonymous',
          ],
          KENV,
        );
        await copyFile(join(DIR, 'kubeconfig'), join(h.dir, 'kubeconfig'));
        adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.prometheus.url }, [
          '--rate-interval=30s',
        ]);
        try {
          await waitListed(adapter, 'pods/http_requests');
        } catch (err) {
          throw new Error(`not listed; adapter said:\n${adapter.process.output()}`, { cause: err });
        }
        await recovery(adapter);
      },
      { timeout: 6 * MIN },
    );

    after(
      async () => {
        await adapter?.stop();
        await h?.stop();
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    it('answers a Status while it is down, resyncs its watches and recovers by itself', async () => {
      const a = adapter as RunningAdapter;
      const load = hpaLoad(a, 4);
      const { outcomes } = load;
      const pid = Number((await readFile(PID_FILE, 'utf8')).trim());
      const stopped = performance.now();
      process.kill(pid, 'SIGTERM');
      const exited = await pollUntil(
        () => Promise.resolve(alive(pid)),
        (up) => !up,
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      if (!exited.ok) process.kill(pid, 'SIGKILL');
      polled(
        await pollUntil(
          () => Promise.resolve(alive(pid)),
          (up) => !up,
          { timeoutMs: 10_000, intervalMs: 100 },
        ),
        'kube-apiserver gone',
      );
      // An exited but unreaped process still answers kill -0: up.sh would take it for running.
      await rm(PID_FILE, { force: true });
      const downForS = (performance.now() - stopped) / 1000;
      const back = performance.now();
      await clusterUp(ENV);
      const upS = (performance.now() - back) / 1000;
      const recovered = await pollUntil(
        () => Promise.resolve(outcomes.filter((o) => o.at > back + upS * 1000).at(-1)),
        (o) => o?.status === 200,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      await load.stop();
      const { failed, kinds } = failuresOf(outcomes);
      console.log(
        `[fault-matrix] real kube-apiserver stopped (exit took ${downForS.toFixed(2)} s${exited.ok ? '' : ', SIGKILL needed'}), ` +
          `up again in ${upS.toFixed(1)} s: ${outcomes.length} requests, ${failed.length} failed as ${JSON.stringify(kinds)}; ` +
          `first 200 ${recovered.seconds.toFixed(2)} s after it was ready`,
      );
      assert.ok(recovered.ok, 'recovered');
      for (const o of failed)
        assert.ok(o.status >= 500, `${o.status} ${o.message}: never a 2xx/4xx`);
      assert.equal((await a.get('/livez')).status, 200);
      // The informers lost their watches and came back (the log says so), and still serve.
      assert.match(a.process.output(), /list\/watch failed; retrying/);
    });
  },
);
