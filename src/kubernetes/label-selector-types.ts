/** One requirement of a parsed Kubernetes label selector (k8s.io/apimachinery labels.Requirement). */
export type SelectorOperator =
  | 'equals' // a=b, a==b
  | 'notEquals' // a!=b
  | 'in' // a in (x,y)
  | 'notIn' // a notin (x,y)
  | 'exists' // a
  | 'doesNotExist' // !a
  | 'gt' // a>1 (parsed, rejected when building PromQL)
  | 'lt'; // a<1

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and de-duplicated, as labels.Requirement.Values().List(). */
  readonly values: readonly string[];
}

/** Requirements sorted by key, as labels.Parse returns them. Empty means "everything". */
export type LabelSelector = readonly Requirement[];
