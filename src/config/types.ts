/**
 * The adapter's YAML configuration, field by field as prometheus-adapter's pkg/config/config.go.
 * Values are produced once by `loadConfig` and frozen; nothing mutates them afterwards.
 */

/** A Kubernetes group-resource as written in config (`group` may be empty for the core group). */
export interface GroupResourceRef {
  readonly group?: string;
  readonly resource: string;
}

/** Keeps a series when its name matches (`is`) or does not match (`isNot`); exactly one is set. */
export interface RegexFilter {
  readonly is?: string;
  readonly isNot?: string;
}

/** How series labels map to Kubernetes resources. */
export interface ResourceMapping {
  /** Go template over `{Group, Resource}`, `<< >>` delimiters, e.g. `kube_<<.Resource>>`. */
  readonly template?: string;
  /** label name → group-resource. */
  readonly overrides?: Readonly<Record<string, GroupResourceRef>>;
  /** Only used by externalRules; default true. */
  readonly namespaced?: boolean;
}

/** How a series name becomes an API metric name. */
export interface NameMapping {
  /** RE2 regex, unanchored; "" means `.*`. */
  readonly matches?: string;
  /** Go `Regexp.Expand` template; "" means `$0` (no groups) or `$1` (one group). */
  readonly as?: string;
}

/** One entry of `rules` or `externalRules`. */
export interface DiscoveryRule {
  readonly seriesQuery: string;
  readonly seriesFilters?: readonly RegexFilter[];
  readonly resources?: ResourceMapping;
  readonly name?: NameMapping;
  readonly metricsQuery?: string;
}

/** `resourceRules.cpu` / `resourceRules.memory`. */
export interface ResourceRule {
  /** Empty when not written (upstream starts; pod metrics then come back empty). */
  readonly containerQuery: string;
  /** Empty when not written (upstream starts; node metrics then come back empty). */
  readonly nodeQuery: string;
  readonly resources?: ResourceMapping;
  readonly containerLabel?: string;
}

export interface ResourceRules {
  readonly cpu: ResourceRule;
  readonly memory: ResourceRule;
  /** Prometheus duration (`5m`, `1d`), reported as the metrics window. */
  readonly window?: string;
}

export interface AdapterConfig {
  readonly rules: readonly DiscoveryRule[];
  readonly externalRules: readonly DiscoveryRule[];
  /** Absent means metrics.k8s.io is not served. */
  readonly resourceRules?: ResourceRules;
}
