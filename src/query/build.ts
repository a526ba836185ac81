/**
 * Builds the PromQL for one request by rendering a rule's `metricsQuery` with the fields of
 * `.Series`, `.LabelMatchers`, `.LabelValuesByName`, `.GroupBy`, `.GroupBySlice`
 * (upstream-behaviour: query).
 * Everything that comes from a request is escaped on the way in (see query/matchers.ts).
 */
import type { TemplateData } from '../lib/go-template/go-template.ts';
import type { LabelSelector } from '../kubernetes/label-selector-types.ts';
import {
  escapeRegexValue,
  joinMatchers,
  labelEq,
  quoteLabelValue,
  resourceMatcher,
  selectorMatchers,
} from './matchers.ts';

/** What the template sees. Field names are the upstream ones. */
export type QueryFields = {
  readonly Series: string;
  readonly LabelMatchers: string;
  readonly LabelValuesByName: Readonly<Record<string, string>>;
  readonly GroupBy: string;
  readonly GroupBySlice: readonly string[];
};

export const QUERY_FIELD_NAMES = [
  'Series',
  'LabelMatchers',
  'LabelValuesByName',
  'GroupBy',
  'GroupBySlice',
] as const;

/** The object side of a query: which label holds the objects and which objects. */
export interface ObjectTarget {
  readonly label: string;
  readonly names: readonly string[];
}

export interface QueryInput {
  readonly series: string;
  readonly metricSelector: LabelSelector;
  /** Namespace label and value; omitted for root-scoped and non-namespaced external requests. */
  readonly namespace?: { readonly label: string; readonly value: string };
  /** The described objects (custom and resource metrics); absent for external metrics. */
  readonly objects?: ObjectTarget;
  /** Extra group-by labels after the object label (resource metrics: the container label). */
  readonly extraGroupBy?: readonly string[];
}

/**
 * A value safe to paste between double quotes of a regex matcher in a user's template
 * (`pod=~"<<index .LabelValuesByName "pod">>"`): each alternative regex-escaped, then the whole
 * string escaped as the inside of a PromQL string literal. Upstream pastes values raw.
 */
const quotedAlternatives = (values: readonly string[]): string =>
  quoteLabelValue(values.map(escapeRegexValue).join('|')).slice(1, -1);

/** The template fields for one request, in upstream's matcher order. */
export const queryFields = (input: QueryInput): QueryFields => {
  const matchers = selectorMatchers(input.metricSelector);
  const valuesByName: Record<string, string> = {};
  for (const r of input.metricSelector) valuesByName[r.key] = quotedAlternatives(r.values);
  if (input.namespace !== undefined) {
    matchers.push(labelEq(input.namespace.label, input.namespace.value));
    valuesByName[input.namespace.label] = quotedAlternatives([input.namespace.value]);
  }
  const groupBy: string[] = [];
  if (input.objects !== undefined) {
    matchers.push(resourceMatcher(input.objects.label, input.objects.names));
    valuesByName[input.objects.label] = quotedAlternatives(input.objects.names);
    groupBy.push(input.objects.label, ...(input.extraGroupBy ?? []));
  }
  return {
    Series: input.series,
    LabelMatchers: joinMatchers(matchers),
    LabelValuesByName: valuesByName,
    GroupBy: groupBy.join(','),
    GroupBySlice: groupBy,
  };
};

class QueryBuildError extends Error {
  override readonly name = 'QueryBuildError';
}

/** Renders `template` with the fields for `input`; an empty result is an error, as upstream. */
export const buildQuery = (
  template: { render(data: TemplateData): string },
  input: QueryInput,
): string => {
  const query = template.render(queryFields(input));
  if (query.trim() === '') {
    throw new QueryBuildError('empty query produced by metrics query template');
  }
  return query;
};
