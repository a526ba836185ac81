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
  /** Name of the `backends` entry serving this rule; unset = the flag-defined `default`. */
  readonly backend?: string;
}

/** `resourceRules.cpu` / `resourceRules.memory`. */
export interface ResourceRule {
  /** Empty when not written (upstream starts; pod metrics then come back empty). */
  readonly containerQuery: string;
  /** Empty when not written (upstream starts; node metrics then come back empty). */
  readonly nodeQuery: string;
  readonly resources?: ResourceMapping;
  readonly containerLabel?: string;
  /** Name of the `backends` entry its queries go to; unset = the flag-defined `default`. */
  readonly backend?: string;
}

export interface ResourceRules {
  readonly cpu: ResourceRule;
  readonly memory: ResourceRule;
  /** Prometheus duration (`5m`, `1d`), reported as the metrics window. */
  readonly window?: string;
}

/** Query language of a backend: rules of a `metricsql` backend are not PromQL-linted. */
export type Dialect = 'promql' | 'metricsql';

/** A per-request tenant header (Cortex/Mimir `X-Scope-OrgID`, VictoriaMetrics `AccountID` …). */
export interface TenantConfig {
  readonly header: string;
  /** Go template (`<< >>`) over `{Namespace}`; unset means only `namespaceTenants` apply. */
  readonly template?: string;
}

/** One entry of the top-level `backends` list (an extension; upstream has one Prometheus). */
export interface BackendConfig {
  readonly name: string;
  /** Tried in order on connection errors and 5xx responses. */
  readonly urls: readonly string[];
  readonly verb?: 'GET' | 'POST';
  readonly dialect?: Dialect;
  readonly tokenFile?: string;
  readonly basicAuthFile?: string;
  readonly caFile?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tenant?: TenantConfig;
  /** namespace → tenant, consulted before `tenant.template`. */
  readonly namespaceTenants?: Readonly<Record<string, string>>;
  /** Tenant for root-scoped requests and relists when the template needs a namespace. */
  readonly defaultTenant?: string;
  /** Tenants to relist when the tenant depends on the namespace. */
  readonly tenants?: readonly string[];
}

export interface AdapterConfig {
  /** Extra backends; the flags define the one named `default`. */
  readonly backends?: readonly BackendConfig[];
  readonly rules: readonly DiscoveryRule[];
  readonly externalRules: readonly DiscoveryRule[];
  /** Absent means metrics.k8s.io is not served. */
  readonly resourceRules?: ResourceRules;
}
