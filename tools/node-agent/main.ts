import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { createKubeClient } from '../../src/kubernetes/client.ts';
import { loadKubeconfig } from '../../src/kubernetes/kubeconfig.ts';
import { createLogger } from '../../src/log.ts';
import { apiKeyLookup, apiVolumeData, recordEvent } from './api-data.ts';
import { startKubeletServers } from './kubelet-server.ts';
import { hostFacts, registerNode, runHeartbeat } from './node-registration.ts';
import { parseOptions } from './options.ts';
import { PodManager } from './pod-manager.ts';
import { IpPool, listPodNetns } from './pod-network.ts';
import { podDirName } from './pod-worker.ts';
import { parseNodeCpu, parseNodeMemory, readProcTable, treeUsage } from './proc-stats.ts';
import { renderResourceMetrics, type ContainerUsage } from './resource-metrics.ts';
import { runCommand } from './run-command.ts';

/** Resource usage of every running container plus the node, as /metrics/resource text. */
const collectMetrics = async (manager: PodManager): Promise<string> => {
  const table = await readProcTable();
  const containers: ContainerUsage[] = [];
  for (const w of manager.workers()) {
    for (const [container, pid] of w.runningPids()) {
      const use = treeUsage(table, pid);
      const started = w.pod.status?.containerStatuses?.find((s) => s.name === container)?.state
        ?.running?.startedAt;
      containers.push({
        namespace: w.pod.metadata?.namespace ?? '',
        pod: w.pod.metadata?.name ?? '',
        container,
        cpuSeconds: use.cpuSeconds,
        memoryBytes: use.rssBytes,
        startTime: new Date(started ?? Date.now()),
      });
    }
  }
  const [stat, meminfo] = await Promise.all([
    readFile('/proc/stat', 'utf8'),
    readFile('/proc/meminfo', 'utf8'),
  ]);
  return renderResourceMetrics(
    { cpuSeconds: parseNodeCpu(stat), memoryBytes: parseNodeMemory(meminfo) },
    containers,
  );
};

const main = async (): Promise<void> => {
  const opts = parseOptions(process.argv.slice(2));
  const log = createLogger({
    verbosity: opts.verbosity,
    base: { component: 'node-agent', node: opts.nodeName },
  });
  // Unthrottled, as a kubelet on a small test cluster: status pushes and events must not queue.
  const client = createKubeClient(loadKubeconfig(opts.kubeconfig), {
    qps: -1,
    userAgent: `node-agent/${opts.nodeName}`,
  });
  const podsDir = join(opts.stateDir, 'pods');
  await mkdir(podsDir, { recursive: true });

  // A fresh start: processes and namespaces left by an earlier agent are swept; pods restart.
  for (const ns of await listPodNetns(opts.bridge)) {
    const pids = (await runCommand('ip', ['netns', 'pids', ns]).catch(() => ''))
      .split(/\s+/)
      .filter(Boolean);
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    await runCommand('ip', ['netns', 'delete', ns]).catch(() => undefined);
    log.info('removed stale pod network namespace', { netns: ns });
  }

  const facts = hostFacts(opts.nodeName, opts.bridgeIp, opts.kubeletPort, opts.kubeVersion);
  const since = new Date();
  await registerNode(client, facts, since);
  log.info('node registered', { address: opts.bridgeIp });

  const event = recordEvent(client, 'kubelet', opts.nodeName);
  const manager = new PodManager(
    client,
    {
      bridge: opts.bridge,
      bridgeIp: opts.bridgeIp,
      apiPort: opts.apiPort,
      podsDir,
      hostDirsRecord: join(opts.stateDir, 'host-dirs'),
      hosts: {
        repoRoot: opts.repoRoot,
        nodeBinary: process.execPath,
        prometheusBinary: opts.prometheusBinary,
        victoriaMetricsBinary: opts.victoriaMetricsBinary,
        thanosBinary: opts.thanosBinary,
      },
      ipPool: new IpPool(opts.bridgeIp),
      volumeData: apiVolumeData(client),
      lookup: (ns) => apiKeyLookup(client, ns),
      pushStatus: async (pod: Pod, status: object) => {
        await client.patchJson(
          `/api/v1/namespaces/${pod.metadata?.namespace ?? ''}/pods/${pod.metadata?.name ?? ''}/status`,
          { status },
        );
      },
      event,
      log,
    },
    opts.nodeName,
    recordEvent(client, 'default-scheduler', opts.nodeName),
  );

  const servers = await startKubeletServers(
    {
      resourceMetrics: () => collectMetrics(manager),
      logDir: (ns, pod) => {
        const w = manager
          .workers()
          .find((x) => x.pod.metadata?.namespace === ns && x.pod.metadata.name === pod);
        return w === undefined ? undefined : join(podsDir, podDirName(w.pod), 'logs');
      },
    },
    {
      address: opts.bridgeIp,
      httpsPort: opts.kubeletPort,
      readOnlyPort: opts.readOnlyPort,
      certFile: opts.tlsCertFile,
      keyFile: opts.tlsKeyFile,
      clientCaFile: opts.clientCaFile,
    },
  );

  const stop = new AbortController();
  runHeartbeat(client, facts, { since, log, signal: stop.signal });
  const shutdown = (signal: string) => {
    log.info('shutting down; pods keep running until cluster:down', { signal });
    stop.abort();
    for (const s of servers) s.close();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
  await manager.run(stop.signal);
};

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'node agent failed', err: String(err) })}\n`,
  );
  process.exit(1);
});
