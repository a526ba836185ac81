/**
 * `prometheus-adapter config-gen`: prints a config equivalent to the legacy discovery rules (the
 * built-in default rules) for a rate interval and label prefix.
 */
import { defaultConfig } from '../config/default-config.ts';
import { renderConfigYaml } from '../config/render-config.ts';
import type { ConfigGenOptions } from './options.ts';

/** Writes the generated config to stdout. */
export const runConfigGen = (options: ConfigGenOptions): void => {
  process.stdout.write(
    renderConfigYaml(defaultConfig(options.rateIntervalMs, options.labelPrefix)),
  );
};
