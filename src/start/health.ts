/**
 * What /readyz and /livez report: ready once a relist has succeeded (at least one series call
 * answered, so the index holds what Prometheus has rather than nothing for want of an answer) and
 * until shutdown begins (the generic apiserver's `shutdown` check); live while the relist loop
 * keeps ticking (a loop stalled for three intervals is not).
 */
import type { HealthSource } from '../api/provider.ts';
import type { RelistStatus } from '../discovery/relister.ts';

export interface HealthInputs {
  readonly relist: () => RelistStatus;
  readonly relistIntervalMs: number;
  /** Extra readiness checks (e.g. watch caches synced): name → error or undefined. */
  readonly extraReady?: () => Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** Whether there are rules to relist (no rules → no loop to watch); a reload may change it. */
  readonly relisting: boolean | (() => boolean);
  /** Whether shutdown has begun (the first SIGTERM/SIGINT, see start/run.ts). */
  readonly shuttingDown?: () => boolean;
}

/** A one-way flag: set when the first SIGTERM/SIGINT arrives (start/run.ts). */
export interface ShutdownNotice {
  readonly began: () => boolean;
  readonly begin: () => void;
}

export const createShutdownNotice = (): ShutdownNotice => {
  let began = false;
  return {
    began: () => began,
    begin: () => {
      began = true;
    },
  };
};

/** Why the adapter is not ready for want of a successful relist, or undefined when it is. */
const relistNotReady = (status: RelistStatus): string | undefined => {
  if (status.lastSuccessAt > 0) return undefined;
  if (status.lastRunAt === 0) return 'first relist not done yet';
  const cause = status.lastError === undefined ? '' : ` (${status.lastError})`;
  return `no relist has succeeded yet: all ${status.queries} series queries failed${cause}`;
};

const healthSource = (inputs: HealthInputs, relisting: () => boolean): HealthSource => ({
  readyChecks: () => ({
    ...(relisting() ? { 'metrics-relist': relistNotReady(inputs.relist()) } : {}),
    ...(inputs.extraReady?.() ?? {}),
    shutdown: inputs.shuttingDown?.() === true ? 'process is shutting down' : undefined,
  }),
  liveChecks: () => {
    if (!relisting()) return {};
    const last = inputs.relist().lastRunAt;
    const stalled = last > 0 && inputs.now() - last > 3 * inputs.relistIntervalMs + 30_000;
    return { 'metrics-relist': stalled ? 'relist loop stalled' : undefined };
  },
});

export const createHealthSource = (inputs: HealthInputs): HealthSource => {
  const relisting = () =>
    typeof inputs.relisting === 'function' ? inputs.relisting() : inputs.relisting;
  return healthSource(inputs, relisting);
};
