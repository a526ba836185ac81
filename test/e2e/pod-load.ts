/**
 * Fixed-rate load split evenly over the ready pods of a selector: request k starts at k/rate s
 * (as scripts/load.mjs) and goes to the next pod in turn, straight to its IP (reachable from the
 * host over the cluster's bridge), instead of through the Service, where kube-proxy picks each
 * connection's pod at random. With the walkthrough's [30s] rate over 15 s scrapes, random routing
 * alone moved the HPA's reading of 4 pods between 406m and 648m around its 496m mean, more than
 * the controller's ±10 % tolerance: a suite that asserts the replica count under a disturbance
 * needs the load itself to hold still. The pod list is refreshed every `refreshMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

type Kubectl = (...args: string[]) => Promise<string>;

interface PodList {
  items: {
    status: { podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

/** The IPs of the listed pods whose Ready condition is True, sorted. */
export const readyPodIps = (list: PodList): string[] =>
  list.items
    .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .flatMap((p) => (p.status.podIP === undefined ? [] : [p.status.podIP]))
    .sort();

export interface PodLoadOptions {
  readonly kubectl: Kubectl;
  /** kubectl's `-l` selector of the pods, in the current namespace. */
  readonly selector: string;
  /** Requests per second, over all pods. */
  readonly rate: number;
  /** Port and path of each request: `http://<podIP>:<port><path>`. */
  readonly port: number;
  readonly path: string;
  readonly refreshMs?: number;
}

export interface PodLoadTally {
  sent: number;
  failed: number;
  /** Requests sent while no pod was ready (not sent anywhere). */
  skipped: number;
}

export const startPodLoad = (options: PodLoadOptions) => {
  const tally: PodLoadTally = { sent: 0, failed: 0, skipped: 0 };
  const stop = new AbortController();
  let ips: string[] = [];
  let turn = 0;
  const refresh = async (): Promise<void> => {
    const out = await options.kubectl('get', 'pods', '-l', options.selector, '-o', 'json');
    ips = readyPodIps(JSON.parse(out) as PodList);
  };
  const refresher = (async () => {
    while (!stop.signal.aborted) {
      await refresh().catch(() => undefined);
      await sleep(options.refreshMs ?? 2000, undefined, { signal: stop.signal }).catch(
        () => undefined,
      );
    }
  })();
  const inFlight = new Set<Promise<void>>();
  const fire = (): void => {
    const ip = ips.length === 0 ? undefined : ips[turn++ % ips.length];
    if (ip === undefined) {
      tally.skipped++;
      return;
    }
    tally.sent++;
    const url = `http://${ip}:${String(options.port)}${options.path}`;
    const p = fetch(url, { signal: AbortSignal.timeout(5000) })
      .then(async (res) => {
        await res.arrayBuffer();
        if (!res.ok) tally.failed++;
      })
      .catch(() => {
        tally.failed++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const start = Date.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const now = Date.now() - start;
    while (next <= now) {
      fire();
      next += 1000 / options.rate;
    }
    timer = setTimeout(tick, Math.max(1, next - now));
  };
  tick();
  return {
    tally,
    stop: async (): Promise<PodLoadTally> => {
      stop.abort();
      clearTimeout(timer);
      await refresher;
      await Promise.all(inFlight);
      return tally;
    },
  };
};
