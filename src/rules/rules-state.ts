/**
 * The config, compiled against the current resource map. Built once at start (any problem is fatal
 * and reported with file:line:col for every field at fault — schema problems and the semantic
 * problems of every rule that did decode, in one report) and rebuilt every `--discovery-interval`
 * from fresh discovery; a refresh that fails keeps the last good state.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, sortProblems, type ConfigProblem } from '../config/config-error.ts';
import { defaultConfig } from '../config/default-config.ts';
import { loadConfigWithPositions, type LoadedConfig } from '../config/load.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { compileResourceRules } from './compile-resource-rules.ts';
import { compileRules, metricsqlBackends, type RuleProblem } from './compile-rules.ts';
import { externalNamespaceProblems } from './external-namespace-check.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import type { CompiledResourceRules } from '../provider/resource-usage.ts';

export interface RulesState {
  readonly resources: ResourceMap;
  readonly rules: readonly CompiledRule[];
  readonly resourceRules: CompiledResourceRules | undefined;
  /** Rules that load but may not work as meant, positioned; logged at start, listed by lint. */
  readonly warnings: readonly ConfigProblem[];
}

export interface StateOptions {
  /** PromQL that does not parse is an error (`--strict-promql`), not a warning. */
  readonly strictPromql?: boolean;
}

/** What checking a config found: the state when there are no errors. */
export interface StateCheck {
  readonly state: RulesState | undefined;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/**
 * Reads `--config` (leniently: schema problems travel with the config, see `checkState`), or the
 * built-in default rules (config-gen's) when it is absent.
 */
export const readConfig = async (
  configFile: string,
  rateIntervalMs: number,
): Promise<LoadedConfig> => {
  if (configFile === '') {
    const file = '<built-in default config>';
    return {
      config: defaultConfig(rateIntervalMs, ''),
      locate: () => ({ line: 1, col: 1 }),
      problemAt: (path, message) => ({ file, line: 1, col: 1, path, message }),
      pathOf: () => undefined,
      problems: [],
    };
  }
  const text = await readFile(configFile, 'utf8');
  return loadConfigWithPositions(text, configFile, { lenient: true });
};

/** Checks everything and never throws a ConfigError: every error and warning, positioned. */
export const checkState = (
  loaded: LoadedConfig,
  resources: ResourceMap,
  options: StateOptions = {},
): StateCheck => {
  const { config } = loaded;
  const compiled = compileRules(config, resources, { ...options, pathOf: loaded.pathOf });
  const errors: RuleProblem[] = [
    ...compiled.problems,
    ...externalNamespaceProblems(compiled.rules),
  ];
  const warnings: RuleProblem[] = [...compiled.warnings];
  let resourceRules: CompiledResourceRules | undefined;
  if (config.resourceRules !== undefined) {
    const r = compileResourceRules(config.resourceRules, resources, {
      ...options,
      metricsql: metricsqlBackends(config),
    });
    errors.push(...r.problems);
    warnings.push(...r.warnings);
    resourceRules = r.rules;
  }
  const at = (p: RuleProblem) => loaded.problemAt(p.path, p.message);
  const allErrors = sortProblems([...loaded.problems, ...errors.map(at)]);
  const positioned = sortProblems(warnings.map(at));
  const state =
    allErrors.length > 0
      ? undefined
      : Object.freeze({ resources, rules: compiled.rules, resourceRules, warnings: positioned });
  return { state, errors: allErrors, warnings: positioned };
};

/** Compiles everything; throws one ConfigError listing every problem with its position. */
export const compileState = (
  loaded: LoadedConfig,
  resources: ResourceMap,
  options: StateOptions = {},
): RulesState => {
  const { state, errors } = checkState(loaded, resources, options);
  if (state === undefined) throw new ConfigError(errors);
  return state;
};
