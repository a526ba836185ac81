/**
 * What the explain engine is given. It reads the same compiled rules and metric index serving
 * reads, and answers the request through the real providers and app (`serve`), with `taps` in
 * place of their Prometheus client, object lister and clock so that every query, sample and
 * object name they use is recorded.
 */
import type { MetricIndex } from '../discovery/metric-index.ts';
import type { ResourceInfo } from '../kubernetes/types.ts';
import type { PrometheusClient } from '../prometheus/types.ts';
import type { RulesState } from '../rules/rules-state.ts';
import type { RuleSources } from './rule-ref.ts';
import type { SeriesOutcome } from './why-not.ts';

/** Names of the objects of `info` matching a formatted label selector, in API order. */
export type ListObjectNames = (
  info: ResourceInfo,
  namespace: string,
  selector: string,
  signal: AbortSignal,
) => Promise<readonly string[]>;

/** What the providers answering an explained request must use instead of their own. */
export interface ExplainTaps {
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  readonly listObjectNames: ListObjectNames;
  /** The fixed time of the explanation, ms since the epoch. */
  readonly now: () => number;
}

/** The HTTP answer: status and raw body. */
export interface ServedAnswer {
  readonly status: number;
  readonly body: string;
}

export interface ExplainDeps {
  readonly state: () => RulesState;
  readonly sources: () => RuleSources;
  readonly index: () => MetricIndex;
  /**
   * What a `seriesQuery` returns over the relist window now, asked of the rule's backend as a
   * relist does (for the rules that came close).
   */
  readonly series: (
    seriesQuery: string,
    signal: AbortSignal,
    backend?: string,
  ) => Promise<SeriesOutcome>;
  readonly prometheus: Pick<PrometheusClient, 'query'>;
  readonly listObjectNames: ListObjectNames;
  /** Serves GET `path` (JSON) through the real app and providers built on `taps`. */
  readonly serve: (path: string, taps: ExplainTaps, signal: AbortSignal) => Promise<ServedAnswer>;
  readonly now: () => number;
}
