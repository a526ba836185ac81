/**
 * labels.Selector.Matches: whether an object's labels satisfy a parsed label selector. Used to
 * filter the cached pods and nodes of metrics.k8s.io requests (and by the test fake apiserver). Pure.
 */
import type { LabelSelector, Requirement } from './label-selector-types.ts';

const INTEGER = /^[+-]?\d+$/;

/** `gt`/`lt`: both sides must be integers (strconv.ParseInt), else no match. */
const compare = (value: string, bound: string | undefined, op: 'gt' | 'lt'): boolean => {
  if (bound === undefined || !INTEGER.test(value) || !INTEGER.test(bound)) return false;
  const v = BigInt(value);
  const b = BigInt(bound);
  return op === 'gt' ? v > b : v < b;
};

const requirementMatches = (r: Requirement, labels: Readonly<Record<string, string>>): boolean => {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? (labels[r.key] ?? '') : '';
  switch (r.operator) {
    case 'equals':
    case 'in':
      return has && r.values.includes(value);
    case 'notEquals':
    case 'notIn':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case 'doesNotExist':
      return !has;
    case 'gt':
    case 'lt':
      return has && compare(value, r.values[0], r.operator);
  }
};

/** True when every requirement holds; the empty selector matches everything. */
export const labelsMatch = (
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean => selector.every((r) => requirementMatches(r, labels));
