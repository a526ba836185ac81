/**
 * `prometheus-adapter lint`: checks a config offline — schema, regexes, templates, rendered
 * PromQL and resource names (against the standard Kubernetes resources) — and warns about rules
 * that load but cannot work. Errors are what would stop the adapter; warnings are advice.
 */
import { ConfigError, formatProblem, type ConfigProblem } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { DiscoveryRule } from '../config/types.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileTemplate } from '../lib/go-template/go-template.ts';
import { compileState } from '../rules/rules-state.ts';

export interface LintReport {
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

const fieldsOf = (text: string | undefined): ReadonlySet<string> => {
  try {
    return compileTemplate(text ?? '').fields;
  } catch {
    return new Set(); // a broken template is already an error
  }
};

const ruleWarnings = (
  loaded: LoadedConfig,
  rule: DiscoveryRule,
  path: string,
  custom: boolean,
): ConfigProblem[] => {
  const warn = (at: string, message: string) => loaded.problemAt(`${path}${at}`, message);
  const out: ConfigProblem[] = [];
  if (rule.metricsQuery === undefined) return out;
  const fields = fieldsOf(rule.metricsQuery);
  if (!fields.has('LabelMatchers') && !fields.has('LabelValuesByName')) {
    out.push(
      warn(
        '.metricsQuery',
        'does not use <<.LabelMatchers>>: every request gets the same, unscoped answer',
      ),
    );
  }
  if (custom && !fields.has('GroupBy') && !fields.has('GroupBySlice')) {
    out.push(
      warn(
        '.metricsQuery',
        'does not group by <<.GroupBy>>: samples may lack the label that names each object, and then match no object',
      ),
    );
  }
  if (custom && rule.resources?.template === undefined && rule.resources?.overrides === undefined) {
    out.push(
      warn(
        '.resources',
        'neither `template` nor `overrides`: no series can be associated with a Kubernetes object',
      ),
    );
  }
  return out;
};

/** Lints an already loaded config (schema errors are thrown by the loader before this). */
export const lintLoaded = (loaded: LoadedConfig): LintReport => {
  let errors: readonly ConfigProblem[] = [];
  try {
    compileState(loaded, builtinResourceMap());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    errors = err.problems;
  }
  const { rules, externalRules } = loaded.config;
  const warnings = [
    ...rules.flatMap((rule, i) => ruleWarnings(loaded, rule, `rules[${i}]`, true)),
    ...externalRules.flatMap((rule, i) => ruleWarnings(loaded, rule, `externalRules[${i}]`, false)),
  ];
  return { errors, warnings };
};

/** The report as text: errors then warnings, one `file:line:col: path: message` per line. */
export const formatLintReport = (report: LintReport): string =>
  [
    ...report.errors.map((p) => `error: ${formatProblem(p)}`),
    ...report.warnings.map((p) => `warning: ${formatProblem(p)}`),
    `${report.errors.length} error(s), ${report.warnings.length} warning(s)`,
  ].join('\n');
