/** Test support for the e2e suites: a timeline of what happened when (HPA replica changes, triggers). */

/** One timestamped note: `at` in milliseconds since the epoch. */
export interface TimelineEntry {
  readonly at: number;
  readonly what: string;
}

/** Notes of what happened when, printed relative to a start time (HPA replica changes, triggers). */
export interface Timeline {
  note(what: string, at?: number): void;
  readonly entries: readonly TimelineEntry[];
  /** `+  12.3s  01:02:03Z  what`, in time order. */
  lines(): string[];
}

/** A timeline whose offsets count from `start` (milliseconds since the epoch). */
export const createTimeline = (start: number): Timeline => {
  const entries: TimelineEntry[] = [];
  return {
    note: (what, at = Date.now()) => {
      entries.push({ at, what });
    },
    entries,
    lines: () =>
      [...entries]
        .sort((a, b) => a.at - b.at)
        .map(
          (e) =>
            `+${((e.at - start) / 1000).toFixed(1).padStart(6)}s  ${new Date(e.at).toISOString().slice(11, 19)}Z  ${e.what}`,
        ),
  };
};
