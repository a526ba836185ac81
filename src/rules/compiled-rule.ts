/**
 * A config rule compiled once: regexes, templates and resource mappings ready to apply. Custom
 * (`rules`) and external (`externalRules`) rules share this one shape and one machinery; `kind`
 * says which API serves the metrics a rule produces.
 */
import type { GroupResource } from '../kubernetes/types.ts';
import type { TemplateData } from '../lib/go-template/go-template.ts';

export type RuleKind = 'custom' | 'external';

/** Renders a rule's `metricsQuery`; see query/build.ts for the fields. */
export interface QueryRenderer {
  render(data: TemplateData): string;
}

export interface CompiledRule {
  readonly kind: RuleKind;
  /** Where the rule is in the config, e.g. `rules[3]` — used in logs, metrics and errors. */
  readonly path: string;
  readonly seriesQuery: string;
  /** The config `backend` serving this rule; unset = the flag-defined `default`. */
  readonly backend?: string | undefined;
  /** The seriesFilters plus the implicit `is: name.matches`. */
  keepSeries(seriesName: string): boolean;
  /** The API metric name for a series name, or undefined when `name.matches` does not match. */
  metricNameFor(seriesName: string): string | undefined;
  /** The resources a series with these label names describes (custom rules). */
  resourcesFor(labelNames: readonly string[]): readonly GroupResource[];
  /** The series label that holds objects of `gr` (throws when the rule has no form for it). */
  labelFor(gr: GroupResource): string;
  /** External rules: whether the request namespace becomes a matcher (default true). */
  readonly namespaced: boolean;
  readonly metricsQuery: QueryRenderer;
}
