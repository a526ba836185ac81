/**
 * What `explain` says about one request, as data: the route, the rule that serves the metric (or
 * the rules that came close and why each did not), the objects, the PromQL and samples, what
 * became of each object, and the answer the HPA gets. `render-text.ts` prints it; `--output=json`
 * and `/debug/explain?output=json` serialise it as is.
 */
import type { QueryTarget } from '../prometheus/types.ts';

/** A rule and where it was written. */
export interface RuleRef {
  /** Position in the compiled rules (custom rules first, then external). */
  readonly index: number;
  /** Config path, e.g. `rules[2]`, `externalRules[0]`, `resourceRules.cpu`. */
  readonly path: string;
  /** A stable name: `name.as` when set, else the `seriesQuery`. */
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Why a rule does not serve the request (or produces nothing at all). */
export type ReasonCode =
  | 'series-query-failed'
  | 'no-series'
  | 'filtered-out'
  | 'name-not-matched'
  | 'resource-not-mapped'
  | 'not-namespaced'
  | 'namespaced-resource'
  | 'other-name'
  | 'shadowed'
  | 'resource-unknown';

export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
  /** The series name the reason is about, when there is one. */
  readonly series?: string;
}

export interface NearMiss {
  readonly rule: RuleRef;
  readonly reasons: readonly Reason[];
}

export type Api = 'custom' | 'external' | 'resource';

/** The request as the adapter's router understands it. */
export interface ExplainRequest {
  /** The normalised path, `/apis/<group>/<version>/…?…`. */
  readonly path: string;
  readonly api: Api | undefined;
  readonly group: string;
  readonly version: string;
  /** In words, e.g. `custom metric of namespaced objects selected by label`. */
  readonly route: string;
  readonly namespace: string;
  readonly resource: string;
  /** Object name, `*` for a selector; '' when the route has none. */
  readonly name: string;
  readonly metric: string;
  readonly labelSelector: string;
  readonly metricLabelSelector: string;
  /** Why the path names no metric route (then nothing else is explained). */
  readonly problem?: string;
}

export type ObjectFate =
  | { readonly kind: 'served'; readonly value: string }
  | { readonly kind: 'served-nonfinite'; readonly value: string; readonly message: string }
  | { readonly kind: 'dropped'; readonly message: string };

export interface ObjectOutcome {
  readonly name: string;
  readonly fate: ObjectFate;
}

export interface RawSample {
  readonly labels: Readonly<Record<string, string>>;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** As a string so NaN and ±Inf survive JSON. */
  readonly value: string;
}

/** One PromQL query the request ran, with what came back. */
export interface QueryRecord {
  readonly promql: string;
  /** Where it went: backend, the URL that answered, the tenant header (absent: none sent). */
  readonly backend?: QueryTarget;
  /** Evaluation time, seconds since the epoch. */
  readonly time: number;
  readonly resultType?: string;
  readonly samples: readonly RawSample[];
  readonly error?: string;
}

/** A sample that named no requested object. */
export interface StraySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly message: string;
}

export interface Explanation {
  readonly request: ExplainRequest;
  /** ISO time the explanation was made (the queries' evaluation time). */
  readonly at: string;
  /** The rule serving the metric; absent when none does. */
  readonly rule?: RuleRef & { readonly seriesName?: string };
  /** Rules that came close, when no rule serves the metric. */
  readonly nearMisses: readonly NearMiss[];
  /** Metrics served under a similar name or another resource: `pods/http_requests_per_second`. */
  readonly didYouMean: readonly string[];
  /** The object label the samples are matched on (custom and resource metrics). */
  readonly objectLabel?: string;
  /** Names the selector (or the URL) picked, in API order; absent for external metrics. */
  readonly objects?: readonly string[];
  readonly queries: readonly QueryRecord[];
  readonly outcomes: readonly ObjectOutcome[];
  readonly straySamples: readonly StraySample[];
  /** The HTTP answer the HPA gets: status and the parsed JSON body (a list or a Status). */
  readonly answer: { readonly status: number; readonly body: unknown };
  /** One line: why the answer is what it is. */
  readonly verdict: string;
}
