import type { LabelSelector, Requirement } from '../kubernetes/label-selector-types.ts';

const asInt = (s: string): number | undefined => (/^-?\d+$/.test(s) ? Number(s) : undefined);

const compare = (value: string, bound: string | undefined, gt: boolean): boolean => {
  const v = asInt(value);
  const b = bound === undefined ? undefined : asInt(bound);
  if (v === undefined || b === undefined) return false;
  return gt ? v > b : v < b;
};

const requirementMatches = (r: Requirement, labels: Readonly<Record<string, string>>): boolean => {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key] ?? '';
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
      return has && compare(value, r.values[0], true);
    case 'lt':
      return has && compare(value, r.values[0], false);
  }
};

/**
 * labels.Selector.Matches for the fake apiserver: every requirement must hold; an empty
 * selector matches everything. (Test support only; the adapter never filters objects itself.)
 */
export const selectorMatches = (
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean => selector.every((r) => requirementMatches(r, labels));
