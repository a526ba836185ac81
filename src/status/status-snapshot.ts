/**
 * What the status page shows, as plain data: the composition root (start/status-source.ts)
 * gathers it from the running adapter, and the renderers here are pure functions of it. Times are
 * ms since the epoch (0: never).
 */

/** A config problem, positioned (the shape of config/'s ConfigProblem). */
export interface ProblemView {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

/** The last attempt to reload the config. */
export interface ReloadView {
  readonly at: number;
  readonly ok: boolean;
  /** What started it: `file changed`, `SIGHUP`, `periodic check`. */
  readonly reason: string;
  /** Why a config was rejected (empty when ok or when the file could not be read). */
  readonly problems: readonly ProblemView[];
  /** The file could not be read (deleted, unreadable). */
  readonly error?: string;
}

/** One rule of the config in use (the per-rule health input; see docs/architecture.md). */
export interface RuleView {
  readonly index: number;
  /** `custom` (rules) or `external` (externalRules). */
  readonly kind: string;
  /** The rule's config path, e.g. `rules[2]`. */
  readonly name: string;
  /** `file:line` where the rule is written. */
  readonly location: string;
  readonly seriesQuery: string;
  /** Series its query returned in the last relist; undefined before one answered. */
  readonly seriesFound: number | undefined;
  readonly metricsProduced: number;
  /** Why the rule serves nothing (its query fails, finds nothing, names nothing). */
  readonly error?: string;
}

export interface RelistView {
  readonly lastRunAt: number;
  readonly lastSuccessAt: number;
  readonly queries: number;
  readonly failing: readonly string[];
  readonly lastError?: string;
}

export interface BackendView {
  /** `default` (the flags) or a config `backends` name. */
  readonly backend: string;
  readonly url: string;
  readonly healthy: boolean;
  readonly detail: string;
}

export interface CheckView {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface StatusSnapshot {
  readonly generatedAt: number;
  readonly version: string;
  readonly config: {
    /** The --config file, or `<built-in default config>`. */
    readonly source: string;
    /** When the config in use was loaded. */
    readonly loadedAt: number;
    /** 1 for the config loaded at start, +1 for every reload applied. */
    readonly generation: number;
    /** Undefined until a reload is attempted. */
    readonly lastReload: ReloadView | undefined;
    /** Warnings of the config in use. */
    readonly warnings: readonly ProblemView[];
  };
  readonly rules: readonly RuleView[];
  readonly counts: {
    readonly series: number;
    readonly customMetrics: number;
    readonly externalMetrics: number;
  };
  readonly relist: RelistView;
  readonly backends: readonly BackendView[];
  /** API groups served (`custom.metrics.k8s.io`, …). */
  readonly apis: readonly string[];
  readonly readiness: readonly CheckView[];
}
