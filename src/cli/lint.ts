/**
 * `prometheus-adapter lint`: checks a config offline — schema, regexes, templates, rendered
 * PromQL and resource names (against the standard Kubernetes resources) — and warns about rules
 * that load but cannot work. Errors are what would stop the adapter; warnings are advice. The
 * report goes to stdout; the exit code is 0 without errors (warnings allowed), 1 otherwise.
 */
import {
  ConfigError,
  formatProblem,
  sortProblems,
  type ConfigProblem,
} from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { DiscoveryRule } from '../config/types.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileTemplate } from '../lib/go-template/go-template.ts';
import { checkState, readConfig } from '../rules/rules-state.ts';
import type { LintOptions } from './options.ts';

/** What `lint` found: problems that stop the adapter, and advice. */
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

/**
 * Lints an already loaded config: its schema problems and every rule's compile problems as errors
 * (all in one report), the compiler's warnings (unparsable PromQL, no metricsQuery, resourceRules
 * that cannot name nodes…) and the advice below as warnings.
 */
export const lintLoaded = (
  loaded: LoadedConfig,
  options: { strictPromql?: boolean } = {},
): LintReport => {
  const checked = checkState(loaded, builtinResourceMap(), options);
  const { rules, externalRules } = loaded.config;
  const pathOf = (rule: DiscoveryRule, fallback: string) => loaded.pathOf(rule) ?? fallback;
  const warnings = sortProblems([
    ...checked.warnings,
    ...rules.flatMap((rule, i) => ruleWarnings(loaded, rule, pathOf(rule, `rules[${i}]`), true)),
    ...externalRules.flatMap((rule, i) =>
      ruleWarnings(loaded, rule, pathOf(rule, `externalRules[${i}]`), false),
    ),
  ]);
  return { errors: checked.errors, warnings };
};

/** The report as text: errors then warnings, one `file:line:col: path: message` per line. */
export const formatLintReport = (report: LintReport): string =>
  [
    ...report.errors.map((p) => `error: ${formatProblem(p)}`),
    ...report.warnings.map((p) => `warning: ${formatProblem(p)}`),
    `${report.errors.length} error(s), ${report.warnings.length} warning(s)`,
  ].join('\n');

const report = async (options: LintOptions): Promise<LintReport> => {
  try {
    const loaded = await readConfig(options.configFile, options.rateIntervalMs);
    return lintLoaded(loaded, { strictPromql: options.strictPromql });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { errors: err.problems, warnings: [] };
  }
};

/** Lints `options.configFile`, prints the report and sets the exit code (1 when it has errors). */
export const runLint = async (options: LintOptions): Promise<void> => {
  const found = await report(options);
  process.stdout.write(`${formatLintReport(found)}\n`);
  process.exitCode = found.errors.length > 0 ? 1 : 0;
};
