import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pollUntil } from '../support/poll.ts';
import { test, type TestContext } from 'node:test';
import { REPO_ROOT } from '../support/repo-root.ts';

/**
 * The e2e cluster: its own state directory, ports, bridge and subnet, so it never touches a cluster
 * the developer has up (`npm run cluster:up`/`demo` use 6443, 2379, k8spa0, 10.244.0.0/24).
 */
export const e2eClusterEnv = (slot = 1): Record<string, string> => {
  const cache = process.env.K8S_PA_CACHE ?? join(homedir(), '.cache', 'k8s-prometheus-adapter');
  // Each e2e file takes its own slot, so clusters of different files never share a port, a
  // bridge or an address range (slot 1 is the walkthrough's).
  const n = slot - 1;
  return {
    K8S_PA_CACHE: cache,
    K8S_PA_CLUSTER_DIR: join(cache, slot === 1 ? 'e2e-cluster' : `e2e-cluster-${slot}`),
    K8S_PA_API_PORT: String(16443 + n * 10),
    K8S_PA_ETCD_PORT: String(12379 + n * 10),
    K8S_PA_BRIDGE: `k8spa${slot}`,
    K8S_PA_POD_NET: `10.244.${10 + n * 10}`,
    K8S_PA_SERVICE_NET: `10.244.${11 + n * 10}`,
    K8S_PA_NODE_NAME: 'k8spa-e2e-node',
  };
};

/** Runs a program, resolving with stdout; rejects with an Error carrying stderr. */
export const run = (
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }),
          );
        else resolve(stdout);
      },
    );
  });

/** Runs a script with its output streamed to ours (progress of long builds stays visible). */
export const runVisible = (
  file: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, [...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code ?? 'a signal'}`));
    });
  });

/**
 * Starts the load generator (scripts/load.mjs) in the background: the walkthrough's own load
 * command, `curl http://<ClusterIP>/metrics`, run `rate` times a second from the host.
 */
export const startCurlLoad = (repoRoot: string, rate: number, url: string): ChildProcess =>
  spawn(
    process.execPath,
    [join(repoRoot, 'scripts/load.mjs'), '--rate', String(rate), '--duration', '900', '--'].concat([
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-m',
      '5',
      url,
    ]),
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );

/** Writes each output (or why it could not be had) to stderr: an e2e suite's failure diagnostics. */
export const printDiagnostics = async (outputs: readonly Promise<string>[]): Promise<void> => {
  for (const d of await Promise.allSettled(outputs))
    process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
};

/** Stops a child process and waits for it (no-op when already gone). */
export const stopChild = async (child: ChildProcess | undefined): Promise<void> => {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
};

/** Why an e2e on the local cluster cannot run here (SKIP_E2E=1, not root, no nsenter), else undefined. */
export const e2eSkipReason = (): string | undefined => {
  if (process.env.SKIP_E2E === '1') return 'SKIP_E2E=1';
  if (process.getuid?.() !== 0)
    return 'needs root (network namespaces, bind mounts) for the local cluster';
  if (!existsSync('/usr/bin/nsenter') && !existsSync('/bin/nsenter'))
    return 'nsenter (util-linux) missing';
  return undefined;
};

/** What the processes of one pod use, read from /proc directly (not through the node agent). */
export interface PodProcessUsage {
  readonly pids: readonly number[];
  /** Sum of VmRSS, bytes (what `ps -o rss` shows). */
  readonly rssBytes: number;
  /** Sum of utime+stime, seconds (100 clock ticks per second). */
  readonly cpuSeconds: number;
}

/**
 * Usage of every process in a pod's network namespace `<bridge>-<uid>` (where the node agent runs
 * all of a pod's containers). Processes that exit while being read count as zero.
 */
export const podProcessUsage = async (bridge: string, uid: string): Promise<PodProcessUsage> => {
  const out = await run('ip', ['netns', 'pids', `${bridge}-${uid}`], {});
  const pids = out.split(/\s+/).filter(Boolean).map(Number);
  let rssBytes = 0;
  let cpuSeconds = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssBytes += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command name start at field 3: utime (14) and stime (15) are [11] and [12].
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11] ?? 0) + Number(f[12] ?? 0);
    if (Number.isFinite(ticks)) cpuSeconds += ticks / 100;
  }
  return { pids, rssBytes, cpuSeconds };
};

const SCRIPTS = join(REPO_ROOT, 'scripts/cluster');

/** Stops the slot's cluster and removes everything it made (idempotent). */
export const clusterDown = (env: Record<string, string>): Promise<void> =>
  runVisible('bash', [join(SCRIPTS, 'down.sh')], env);

/** Starts the slot's cluster; binaries come from the cache (built on first use). */
export const clusterUp = (env: Record<string, string>): Promise<void> =>
  runVisible('bash', [join(SCRIPTS, 'up.sh')], env);

/** A clean slate, then a fresh cluster (what every e2e suite's before-hook does). */
export const freshCluster = async (env: Record<string, string>): Promise<void> => {
  await clusterDown(env);
  await clusterUp(env);
};

/**
 * The steps of one e2e suite run in order; after the first failure the rest are skipped (they
 * would only cascade) and `failed()` tells the after-hook to dump diagnostics.
 */
export const stepRunner = () => {
  let broken = false;
  const step = (name: string, timeout: number, fn: (t: TestContext) => Promise<void>) =>
    test(name, { timeout }, async (t) => {
      if (broken) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        broken = true;
        throw err;
      }
    });
  return { step, failed: () => broken };
};

/**
 * Polls each APIService until its Available condition is True, reporting how long it took;
 * fails with the last error otherwise.
 */
export const waitApiServicesAvailable = async (
  t: TestContext,
  kubectl: (...args: string[]) => Promise<string>,
  names: readonly string[],
  timeoutMs: number,
): Promise<void> => {
  for (const name of names) {
    const r = await pollUntil(
      () =>
        kubectl(
          'get',
          'apiservice',
          name,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Available")].status}',
        ),
      (s) => s === 'True',
      { timeoutMs },
    );
    t.diagnostic(`${name} Available after ${r.seconds}s`);
    const why = r.lastError instanceof Error ? r.lastError.message : 'condition not True';
    assert.equal(r.value, 'True', `${name} not Available: ${why}`);
  }
};
