/**
 * A start-time check upstream lacks: a namespaced external rule must be able to name the label
 * that holds the namespace. Upstream accepts such a rule and then answers every request for its
 * metrics with 500 `unable to fetch metrics` (its own sample config has this bug).
 */
import type { RuleProblem } from './compile-rules.ts';
import type { CompiledRule } from './compiled-rule.ts';

const NAMESPACES = { group: '', resource: 'namespaces' } as const;

/**
 * One problem per external rule that is namespaced (`resources.namespaced` unset or true) but has
 * neither a `namespace` override nor a template producing the namespace label. Custom rules and
 * non-namespaced external rules are never reported. Pure.
 */
export const externalNamespaceProblems = (rules: readonly CompiledRule[]): RuleProblem[] =>
  rules.flatMap((rule) => {
    if (rule.kind !== 'external' || !rule.namespaced) return [];
    try {
      rule.labelFor(NAMESPACES);
      return [];
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return [
        {
          path: `${rule.path}.resources`,
          message:
            `a namespaced external rule needs the namespace label (${why}): add an override ` +
            '`namespace: {resource: namespace}` or a `template`, or set `namespaced: false`',
        },
      ];
    }
  });
