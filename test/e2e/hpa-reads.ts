/**
 * What the zero-downtime e2e suites watch while they disturb the adapter: HPA-style reads of a
 * metric through the aggregator, and the Warning events of HorizontalPodAutoscalers.
 */

type Kubectl = (...args: string[]) => Promise<string>;

export interface ReadTally {
  reads: number;
  readonly failures: string[];
}

/** Reads `path` with `kubectl get --raw` every ~100 ms until stopped; counts reads and failures. */
export const startReads = (kubectl: Kubectl, path: string) => {
  const tally: ReadTally = { reads: 0, failures: [] };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      tally.reads++;
      await kubectl('get', '--raw', path).catch((err: unknown) => {
        tally.failures.push(`${new Date().toISOString()} ${String(err)}`);
      });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    tally,
    stop: async (): Promise<ReadTally> => {
      stop = true;
      await loop;
      return tally;
    },
  };
};

/**
 * Warning reasons of the HPA controller that say nothing of the metrics: `FailedUpdateStatus` is
 * its own optimistic-concurrency conflict when writing the HPA's status from a stale cache
 * ("the object has been modified"), retried at its next sync. Seen once in the Thanos HA e2e
 * while a Prometheus replica restarted on the loaded machine, with the metric valid throughout.
 */
export const UNRELATED_HPA_WARNINGS: ReadonlySet<string> = new Set(['FailedUpdateStatus']);

/** `<time> <reason> <message>` of the warnings that concern metrics (all but the unrelated ones). */
export const metricWarnings = (lines: readonly string[]): string[] =>
  lines.filter((l) => !UNRELATED_HPA_WARNINGS.has(l.split(' ')[1] ?? ''));

/**
 * `<time> <reason> <message>` of every HPA Warning event since `since`, but the unrelated ones
 * (metricWarnings): a FailedGetPodsMetric or FailedComputeMetricsReplicas is always kept.
 */
export const hpaWarningsSince = async (kubectl: Kubectl, since: Date): Promise<string[]> => {
  const events = await kubectl(
    'get',
    'events',
    '--field-selector',
    'involvedObject.kind=HorizontalPodAutoscaler,type=Warning',
    '-o',
    'jsonpath={range .items[*]}{.lastTimestamp} {.reason} {.message}{"\\n"}{end}',
  );
  return metricWarnings(
    events.split('\n').filter((l) => l !== '' && new Date(l.split(' ')[0] ?? '') >= since),
  );
};
