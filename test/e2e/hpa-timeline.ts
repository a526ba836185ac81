/**
 * HPA scenarios for the e2e: trigger a metric change, wait until the target deployment holds the
 * expected replicas, trigger it back, wait for 1 — noting every replica change (and what the HPA
 * saw) on a timeline, plus the controller's own SuccessfulRescale events.
 */
import { kubectlJson, type Kubectl } from './metrics-apis-cluster.ts';
import { pollUntil } from '../support/poll.ts';
import type { Timeline } from './timeline.ts';

interface ScaleList {
  items: {
    kind: string;
    spec: { replicas?: number };
    status: {
      readyReplicas?: number;
      currentMetrics?: {
        resource?: { current: { averageUtilization?: number } };
        pods?: { current: { averageValue?: string } };
        external?: { current: { averageValue?: string; value?: string } };
      }[];
    };
  }[];
}

/** Replicas of a deployment and what its HPA (same name) currently sees, in one kubectl call. */
export interface ScaleState {
  readonly desired: number;
  readonly ready: number;
  /** What the HPA reads (its first metric), or `no metric`. */
  readonly seen: string;
  readonly text: string;
}

export const scaleState = async (kubectl: Kubectl, name: string): Promise<ScaleState> => {
  const list = await kubectlJson<ScaleList>(
    kubectl,
    'get',
    `deploy/${name}`,
    `hpa/${name}`,
    '-o',
    'json',
  );
  const deploy = list.items.find((i) => i.kind === 'Deployment');
  const m = list.items.find((i) => i.kind === 'HorizontalPodAutoscaler')?.status
    .currentMetrics?.[0];
  const seen =
    m?.resource?.current.averageUtilization !== undefined
      ? `cpu ${m.resource.current.averageUtilization}% of request`
      : (m?.external?.current.averageValue ??
        m?.external?.current.value ??
        m?.pods?.current.averageValue ??
        'no metric');
  const desired = deploy?.spec.replicas ?? 0;
  const ready = deploy?.status.readyReplicas ?? 0;
  return {
    desired,
    ready,
    seen,
    text: `replicas ${ready}/${desired} (ready/desired); HPA sees ${seen}`,
  };
};

/** Polls until `name` holds `want` replicas (desired and ready) for `holdMs`; notes every change. */
export const settlesAt = async (
  kubectl: Kubectl,
  name: string,
  want: number,
  o: { timeoutMs: number; holdMs: number; timeline: Timeline },
) => {
  let since = 0;
  let last = '';
  return pollUntil(
    () => scaleState(kubectl, name),
    (s) => {
      const at = s.desired === want && s.ready === want;
      since = at ? since || Date.now() : 0;
      return at && Date.now() - since >= o.holdMs;
    },
    {
      timeoutMs: o.timeoutMs,
      onTick: (s) => {
        const key = `${s.ready}/${s.desired}`;
        if (key !== last) o.timeline.note(s.text);
        last = key;
      },
    },
  );
};

/** Adds the HPA's SuccessfulRescale events to the timeline, at the controller's timestamps. */
export const noteRescales = async (
  kubectl: Kubectl,
  hpa: string,
  timeline: Timeline,
): Promise<void> => {
  const events = await kubectlJson<{
    items: { reason: string; message: string; lastTimestamp?: string; eventTime?: string }[];
  }>(
    kubectl,
    'get',
    'events',
    '--field-selector',
    `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${hpa}`,
    '-o',
    'json',
  );
  for (const e of events.items.filter((x) => x.reason === 'SuccessfulRescale'))
    timeline.note(
      `event ${e.reason}: ${e.message}`,
      Date.parse(e.lastTimestamp ?? e.eventTime ?? ''),
    );
};

/** One HPA scenario: the deployment and HPA `name`, a trigger up, the replicas to reach, a trigger down. */
export interface Scenario {
  readonly name: string;
  readonly up: (timeline: Timeline) => Promise<void>;
  readonly outTo: number;
  readonly down: (timeline: Timeline) => Promise<void>;
}

/** The outcome: `back` is absent when scaling out already failed. */
export interface ScenarioResult {
  readonly out: { readonly ok: boolean; readonly value: ScaleState | undefined };
  readonly back?: { readonly ok: boolean; readonly value: ScaleState | undefined };
}

/** Runs a scenario: out to `outTo` held 15s (no overshoot), then back to 1 held 10s; 150s each. */
export const scaleOutAndIn = async (
  kubectl: Kubectl,
  s: Scenario,
  timeline: Timeline,
): Promise<ScenarioResult> => {
  await s.up(timeline);
  const out = await settlesAt(kubectl, s.name, s.outTo, {
    timeoutMs: 150_000,
    holdMs: 15_000,
    timeline,
  });
  if (!out.ok) return { out };
  timeline.note(`held ${s.outTo} replicas for 15s`);
  await s.down(timeline);
  const back = await settlesAt(kubectl, s.name, 1, {
    timeoutMs: 150_000,
    holdMs: 10_000,
    timeline,
  });
  if (back.ok) timeline.note('held 1 replica for 10s');
  return { out, back };
};
