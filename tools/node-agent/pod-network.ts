import { runCommand } from './run-command.ts';

/** Names of a pod's network plumbing: namespace `<bridge>-<uid>`, host-side veth `<bridge>v<last octet>`. */
export const netnsName = (bridge: string, uid: string): string => `${bridge}-${uid}`;
export const vethName = (bridge: string, ip: string): string =>
  `${bridge}v${ip.split('.').pop() ?? '0'}`;

/**
 * Hands out pod IPs from the bridge's /24 (.2–.254), lowest free first. Not persistent: the agent
 * starts from a clean network on every start.
 */
export class IpPool {
  readonly #prefix: string;
  readonly #used = new Set<number>();
  constructor(bridgeIp: string) {
    this.#prefix = bridgeIp.split('.').slice(0, 3).join('.');
  }
  /** Returns a free address, or throws when all 253 are taken. */
  allocate(): string {
    for (let octet = 2; octet <= 254; octet++) {
      if (!this.#used.has(octet)) {
        this.#used.add(octet);
        return `${this.#prefix}.${octet}`;
      }
    }
    throw new Error(`no free pod IP in ${this.#prefix}.0/24`);
  }
  release(ip: string): void {
    if (ip.startsWith(`${this.#prefix}.`)) this.#used.delete(Number(ip.split('.')[3]));
  }
}

/**
 * The address of the cluster's service router on the bridge: the last host address of the pod /24 (.254).
 * scripts/cluster/up.sh runs kube-proxy in its own network namespace `kube-proxy-<bridge>`, attached to the
 * bridge with this address, and routes the host's ClusterIP range through it; pods get it as their default
 * gateway, so a pod's traffic to a ClusterIP reaches kube-proxy's rules (and nothing else leaves the /24:
 * the router has no other routes). Keep in step with PROXY_IP in scripts/cluster/lib.sh.
 */
export const serviceRouterIp = (podIp: string): string =>
  `${podIp.split('.').slice(0, 3).join('.')}.254`;

/**
 * Creates the pod's network namespace with loopback and an `eth0` (ip/24) whose peer is attached to the
 * bridge. Pods reach the bridge's /24 (other pods, the node, the apiserver) directly; their default route
 * goes to the service router (see serviceRouterIp), which answers only for Service ClusterIPs.
 */
export const setUpPodNetwork = async (bridge: string, uid: string, ip: string): Promise<void> => {
  const ns = netnsName(bridge, uid);
  const veth = vethName(bridge, ip);
  const router = serviceRouterIp(ip);
  if (ip === router) throw new Error(`${ip} is reserved for the service router (kube-proxy)`);
  await tearDownPodNetwork(bridge, uid);
  await runCommand('ip', ['link', 'delete', veth]).catch(() => undefined);
  await runCommand('ip', ['netns', 'add', ns]);
  await runCommand('ip', [
    'link',
    'add',
    veth,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    ns,
  ]);
  await runCommand('ip', ['link', 'set', veth, 'master', bridge, 'up']);
  await runCommand('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  await runCommand('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  await runCommand('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await runCommand('ip', ['-n', ns, 'route', 'add', 'default', 'via', router, 'dev', 'eth0']);
};

/** Pids of every process in the pod's network namespace (empty when it does not exist). */
export const netnsPids = async (bridge: string, uid: string): Promise<number[]> => {
  const out = await runCommand('ip', ['netns', 'pids', netnsName(bridge, uid)]).catch(() => '');
  return out
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);
};

/** Kills any process left in the namespace and deletes it (the veth pair goes with it). */
export const tearDownPodNetwork = async (bridge: string, uid: string): Promise<void> => {
  for (const pid of await netnsPids(bridge, uid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await runCommand('ip', ['netns', 'delete', netnsName(bridge, uid)]).catch(() => undefined);
};

/** Names of existing network namespaces that belong to this bridge (left by an earlier agent). */
export const listPodNetns = async (bridge: string): Promise<string[]> => {
  const out = await runCommand('ip', ['netns', 'list']).catch(() => '');
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${bridge}-`));
};
