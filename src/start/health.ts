/**
 * What /readyz and /livez report: ready once the resource map is loaded and the first relist has
 * run; live while the relist loop keeps ticking (a loop stalled for three intervals is not).
 */
import type { HealthSource } from '../api/provider.ts';

export interface HealthInputs {
  /** ms epoch of the last finished relist run; 0 before the first. */
  readonly lastRelistAt: () => number;
  readonly relistIntervalMs: number;
  readonly resourceMapLoaded: () => boolean;
  /** Extra readiness checks (e.g. watch caches synced): name → error or undefined. */
  readonly extraReady?: () => Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** Whether a relist loop runs at all (no rules → no loop to watch). */
  readonly relisting: boolean;
}

export const createHealthSource = (inputs: HealthInputs): HealthSource => ({
  readyChecks: () => ({
    'resource-map': inputs.resourceMapLoaded() ? undefined : 'resource map not loaded yet',
    ...(inputs.relisting
      ? { 'metrics-relist': inputs.lastRelistAt() > 0 ? undefined : 'first relist not done yet' }
      : {}),
    ...(inputs.extraReady?.() ?? {}),
  }),
  liveChecks: () => {
    if (!inputs.relisting) return {};
    const last = inputs.lastRelistAt();
    const stalled = last > 0 && inputs.now() - last > 3 * inputs.relistIntervalMs + 30_000;
    return { 'metrics-relist': stalled ? 'relist loop stalled' : undefined };
  },
});
