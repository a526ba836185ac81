/**
 * The config, compiled against the current resource map. Built once at start (any problem is fatal
 * and reported with file:line:col for every field at fault) and rebuilt every
 * `--discovery-interval` from fresh discovery; a refresh that fails keeps the last good state.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.ts';
import { defaultConfig } from '../config/default-config.ts';
import { loadConfigWithPositions, type LoadedConfig } from '../config/load.ts';
import type { AdapterConfig } from '../config/types.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { compileResourceRules } from './compile-resource-rules.ts';
import { compileRules, type RuleProblem } from './compile-rules.ts';
import { externalNamespaceProblems } from './external-namespace-check.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import type { CompiledResourceRules } from '../provider/resource-usage.ts';

export interface RulesState {
  readonly resources: ResourceMap;
  readonly rules: readonly CompiledRule[];
  readonly resourceRules: CompiledResourceRules | undefined;
}

/** Reads `--config`, or the built-in default rules (config-gen's) when it is absent. */
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
    };
  }
  return loadConfigWithPositions(await readFile(configFile, 'utf8'), configFile);
};

/** Compiles everything; throws one ConfigError listing every problem with its position. */
export const compileState = (loaded: LoadedConfig, resources: ResourceMap): RulesState => {
  const config: AdapterConfig = loaded.config;
  const compiled = compileRules(config, resources);
  const problems: RuleProblem[] = [
    ...compiled.problems,
    ...externalNamespaceProblems(compiled.rules),
  ];
  let resourceRules: CompiledResourceRules | undefined;
  if (config.resourceRules !== undefined) {
    const r = compileResourceRules(config.resourceRules, resources);
    problems.push(...r.problems);
    resourceRules = r.rules;
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.map((p) => loaded.problemAt(p.path, p.message)));
  }
  return Object.freeze({ resources, rules: compiled.rules, resourceRules });
};
